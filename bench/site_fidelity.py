"""Whole real sites: how close each comes, imported into profilehost, to its GitHub Pages (Jekyll) build.

    .venv/bin/python bench/site_fidelity.py [--sites NAME,NAME] [--corpus DIR] [--json-out FILE] [-v]

For every NAME/ of the corpus of real academicpages-family repositories (default ../shared/corpus/sites, each
NAME/site.zip with its Jekyll build in NAME/reference/), the round trip of shared/tools/site_fidelity/run_one.sh,
one site at a time: a fresh throwaway instance (temporary SQLite database, user site1), `flask site import site1
NAME/site.zip` (timed: seconds from the start of the command to its end), gunicorn -w 2 on a free loopback port,
then shared/tools/site_fidelity/site_fidelity.py against it; a refused import is scored 0 on every page, without
a server, as run_one.sh does. Everything started is stopped, and every temporary folder removed, on errors and
Ctrl-C too.

Prints one table: the import (ok, or refused with the first problem), its seconds, pages compared, the page-level
mean and minimum of the `+meta` score (item pages with their metadata on both sides: what a visitor sees) and of
the plain content score, pages missing on either side (no Jekyll reference / not served by profilehost; the
latter score 0), menu and sidebar F1, pages whose reference is inexact (a jekyll_ref.py stand-in); then an overall
line. -v adds every page's scores, worst first, with title agreement and weakest features. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, bench_env, free_port  # noqa: E402

USERNAME = "site1"
PASSWORD = "site-fidelity-pw-123456"
REFUSED_BASE = "http://127.0.0.1:9"  # what run_one.sh passes with --refused: nothing is fetched
# The checkout's virtual environment (flask, gunicorn, lxml, pyyaml) even when started with another Python
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.is_file() else sys.executable


# --------------------------------------------------------------------------- where things are
def shared_folder() -> Path | None:
    """../shared next to the checkout; for a git worktree elsewhere, next to the main checkout."""
    candidates = [folder / "shared" for folder in REPO.parents]
    try:
        common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if common:
            candidates.insert(1, Path(common).parent.parent / "shared")
    except (OSError, subprocess.SubprocessError):
        pass
    return next((c for c in candidates if (c / "corpus" / "sites").is_dir()), None)


def tools_folder(corpus: Path, shared: Path | None) -> Path:
    for folder in ([shared / "tools" / "site_fidelity"] if shared else []) + [
            corpus.parent.parent / "tools" / "site_fidelity"]:
        if (folder / "site_fidelity.py").is_file():
            return folder
    raise SystemExit(f"site_fidelity.py not found (looked in {shared}/tools and next to {corpus})")


# --------------------------------------------------------------------------- one throwaway instance
class Instance:
    """A temporary folder with a SQLite database and one user; later a gunicorn on loopback. close() undoes all."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="site-fidelity-bench-"))
        self.env = bench_env(f"sqlite:///{self.folder}/profilehost.sqlite3", str(self.folder / "instance"))
        self.env.update(PROFILEHOST_REGISTRATION="open", PROFILEHOST_PASSWORD=PASSWORD)
        self.server: subprocess.Popen | None = None
        self.base = ""

    def flask(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "-m", "flask", "--app", "profilehost", *args], cwd=REPO,
                              env=self.env, capture_output=True, text=True, timeout=timeout)

    def prepare(self) -> None:
        for args in (("db", "upgrade"), ("user", "create", USERNAME, "--email", f"{USERNAME}@example.org")):
            done = self.flask(*args)
            if done.returncode:
                raise RuntimeError(f"flask {' '.join(args)} failed: {_tail(done.stdout + done.stderr, 1)}")

    def serve(self) -> str:
        port = free_port()
        log = open(self.folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
        # A session of its own: Ctrl-C reaches this script only, and close() stops the whole group in order.
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.base + "/", timeout=2).close()
                return self.base
            except urllib.error.HTTPError:
                return self.base  # any HTTP answer: it is up
            except OSError:
                time.sleep(0.2)
        log_text = (self.folder / "gunicorn.log").read_text("utf-8", "replace")
        raise RuntimeError(f"gunicorn did not answer: {_tail(log_text)}")

    def close(self) -> None:
        try:
            if self.server is not None and self.server.poll() is None:
                _signal_group(self.server.pid, signal.SIGTERM)
                try:
                    self.server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    _signal_group(self.server.pid, signal.SIGKILL)
                    self.server.wait(timeout=10)
            if self.server is not None:
                _signal_group(self.server.pid, signal.SIGKILL)  # a worker left behind by its master, if any
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the group gunicorn leads (start_new_session): only what this script started
    except (ProcessLookupError, PermissionError):
        pass


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# --------------------------------------------------------------------------- one site
def parse_import(output: str, ok: bool) -> dict:
    lines = output.splitlines()
    count = {kind: sum(1 for line in lines if line.startswith(kind + " ")) for kind in
             ("imported", "skipped", "notice", "error")}
    problems = [line.split(None, 1)[1] if line.startswith("error ") else line for line in lines
                if line.startswith(("error ", "Error:"))]
    reason = "" if ok else (problems[0] if problems else (lines[-1] if lines else "no output"))
    # run_one.sh hands site_fidelity up to three of them, on one line
    refused = "" if ok else " ".join(problems[:3]) or reason
    return {"ok": ok, "imported": count["imported"], "skipped": count["skipped"], "notices": count["notice"],
            "errors": count["error"], "reason": reason, "refused": refused, "problems": problems,
            "summary": lines[-1] if lines else ""}


def run_site(name: str, folder: Path, tools: Path) -> dict:
    site = {"name": name, "import": None, "result": None, "error": ""}
    instance = Instance()
    try:
        reference = folder / "reference"
        if not reference.is_dir():  # as run_one.sh: build one (needs Debian's jekyll)
            built = subprocess.run([PYTHON, str(tools / "jekyll_ref.py"), str(folder / "site.zip"),
                                    str(instance.folder / "ref")], capture_output=True, text=True, timeout=1800)
            reference = instance.folder / "ref" / "_site"
            if built.returncode or not reference.is_dir():
                raise RuntimeError(f"no reference/ and jekyll_ref.py failed: {_tail(built.stdout + built.stderr)}")
        instance.prepare()
        started = time.perf_counter()
        done = instance.flask("site", "import", USERNAME, str(folder / "site.zip"))
        seconds = time.perf_counter() - started
        site["import"] = {**parse_import(done.stdout + done.stderr, done.returncode == 0), "seconds": seconds}
        refused = site["import"]["refused"]
        base = REFUSED_BASE if refused else instance.serve()
        json_file = instance.folder / "site_fidelity.json"
        command = [PYTHON, str(tools / "site_fidelity.py"), "--jekyll", str(reference),
                   "--source", str(folder / "site.zip"), "--base", f"{base}/{USERNAME}", "--json-out", str(json_file)]
        if refused:
            command.append(f"--refused={refused}")  # one argument even if it starts with '-'
        compared = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=3600)
        if compared.returncode or not json_file.is_file():
            raise RuntimeError(f"site_fidelity.py failed: {_tail(compared.stderr or compared.stdout)}")
        site["result"] = json.loads(json_file.read_text())
    except (RuntimeError, OSError, subprocess.SubprocessError, json.JSONDecodeError) as error:
        site["error"] = str(error) or error.__class__.__name__
    finally:
        instance.close()
    site["figures"] = figures(site["result"]) if site["result"] else None
    return site


def meta_score(page: dict) -> float:
    return page.get("score_meta", page["score"])


def figures(result: dict) -> dict:
    compared = [p for p in result["pages"] if p.get("score") is not None]
    plain, meta = [p["score"] for p in compared], [meta_score(p) for p in compared]
    return {"pages": len(compared),
            "meta_mean": sum(meta) / len(meta) if meta else 0.0, "meta_min": min(meta, default=0.0),
            "mean": sum(plain) / len(plain) if plain else 0.0, "min": min(plain, default=0.0),
            "missing_jekyll": len(result["missing_jekyll"]), "missing_profilehost": len(result["missing_profilehost"]),
            "menu": result["menu"], "sidebar": result["sidebar"],
            "inexact": sum(1 for p in result["pages"] if p.get("inexact")),
            "titles_equal": result.get("titles_equal", 0), "meta_scores": meta, "scores": plain}


# --------------------------------------------------------------------------- report
HEADER = (f"{'site':<43} {'import s':>8} {'pages':>5} {'+meta mean':>10} {'min':>5} {'mean':>6} {'min':>5} "
          f"{'missing J/P':>11} {'menu F1':>11} {'sidebar F1':>11} {'inexact':>7}  import")


def f1(agreement: dict) -> str:
    return f"{agreement['f1']:.2f} ({agreement['matched']}/{agreement['ref']})"


def import_text(site: dict) -> str:
    imp = site["import"]
    if imp is None:
        return f"ERROR: {site['error']}"
    if imp["ok"]:
        text = f"ok ({imp['imported']} imported, {imp['skipped']} skipped, {imp['notices']} notices)"
    else:
        problems = f"{imp['errors']} problem{'s' if imp['errors'] != 1 else ''}" if imp["errors"] else "refused"
        text = f"REFUSED ({problems}): {imp['reason']}"
    return text + (f"; ERROR: {site['error']}" if site["error"] else "")


def row(site: dict) -> str:
    imp, fig = site["import"], site["figures"]
    seconds = f"{imp['seconds']:8.1f}" if imp else f"{'-':>8}"
    if fig is None:
        return f"{site['name'][:43]:<43} {seconds} {'-':>5} {'-':>10} {'-':>5} {'-':>6} {'-':>5} {'-':>11} " \
               f"{'-':>11} {'-':>11} {'-':>7}  {import_text(site)}"
    missing = f"{fig['missing_jekyll']} / {fig['missing_profilehost']}"
    return (f"{site['name'][:43]:<43} {seconds} {fig['pages']:>5} {fig['meta_mean']:>10.3f} {fig['meta_min']:>5.3f} "
            f"{fig['mean']:>6.3f} {fig['min']:>5.3f} {missing:>11} {f1(fig['menu']):>11} {f1(fig['sidebar']):>11} "
            f"{fig['inexact']:>7}  {import_text(site)}")


def title_mark(page: dict) -> str:
    if page.get("title_equal"):
        return "ok"
    if page.get("title_loose"):
        return "~"
    return "DIFF" if page.get("status") == 200 else "-"


def page_lines(site: dict) -> list[str]:
    """Every page, worst +meta first (as site_fidelity's own report gives each one)."""
    pages = site["result"]["pages"]
    if site["result"].get("import_refused"):
        return [f"    import refused: all {len(pages)} pages score 0; the import's report:",
                *(f"      {problem}" for problem in site["import"]["problems"])]
    compared = sorted((p for p in pages if p.get("score") is not None),
                      key=lambda p: (meta_score(p), p["score"], p["url"]))
    lines = ["    +meta  score  title url   [3 weakest features, or status]"]
    for page in compared:
        if page.get("status") == 200:
            info = " ".join(f"{name}={value:.2f}" for name, value in page.get("weakest", []))
            if page.get("no_page_body"):
                info = "no [data-page-body] on profilehost's page; " + info
        else:
            status = page.get("status")
            info = f"HTTP {status}" if isinstance(status, int) else str(status)
        meta = f"{page['score_meta']:.3f}" if "score_meta" in page else "  -  "
        mark = f"  *inexact reference ({', '.join(page['inexact'])})" if page.get("inexact") else ""
        lines.append(f"    {meta}  {page['score']:.3f}  {title_mark(page):<4}  {page['url']}   [{info}]{mark}")
        if title_mark(page) == "DIFF":
            lines.append(f"          title: Jekyll {page.get('title_ref')!r}  profilehost {page.get('title_cand')!r}")
    for page in pages:
        if page.get("score") is None:
            lines.append(f"      -      -    -     {page['url']}   [{page.get('status')}: {page['source']}]")
    return lines


def overall(sites: list[dict], wall: float) -> str:
    scored = [s for s in sites if s["figures"]]
    meta = [v for s in scored for v in s["figures"]["meta_scores"]]
    plain = [v for s in scored for v in s["figures"]["scores"]]
    imported = [s for s in scored if s["import"] and s["import"]["ok"]]
    imported_meta = [v for s in imported for v in s["figures"]["meta_scores"]]
    def avg(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    import_seconds = sum(s["import"]["seconds"] for s in sites if s["import"])
    text = (f"overall: {len(sites)} sites, {len(imported)} imported, {len(plain)} pages: +meta mean {avg(meta):.3f} "
            f"min {min(meta, default=0):.3f}, plain mean {avg(plain):.3f} min {min(plain, default=0):.3f}; "
            f"missing J/P {sum(s['figures']['missing_jekyll'] for s in scored)} / "
            f"{sum(s['figures']['missing_profilehost'] for s in scored)}; "
            f"menu F1 {avg([s['figures']['menu']['f1'] for s in scored]):.2f}, "
            f"sidebar F1 {avg([s['figures']['sidebar']['f1'] for s in scored]):.2f} (site means); "
            f"inexact {sum(s['figures']['inexact'] for s in scored)}; "
            f"imports {import_seconds:.1f} s, run {wall:.0f} s")
    if imported and len(imported) < len(scored):
        text += (f"\n         over the {len(imported)} imported sites only: {len(imported_meta)} pages, "
                 f"+meta mean {avg(imported_meta):.3f}")
    return text


def json_view(site: dict) -> dict:
    view = {key: site[key] for key in ("name", "import", "error", "result")}
    if site["figures"]:
        view["figures"] = {k: v for k, v in site["figures"].items() if k not in ("meta_scores", "scores")}
    return view


# --------------------------------------------------------------------------- main
def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")  # so every `finally` runs: servers stopped, folders removed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", default="", help="comma-separated NAMEs (folders of the corpus); default all")
    parser.add_argument("--corpus", type=Path, help="folder of NAME/site.zip + NAME/reference/ "
                        "(default ../shared/corpus/sites next to the checkout)")
    parser.add_argument("--json-out", type=Path, metavar="FILE", help="also write every figure and page as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="every page's scores, worst first")
    args = parser.parse_args()
    shared = shared_folder()
    corpus = args.corpus or (shared / "corpus" / "sites" if shared else None)
    if corpus is None or not corpus.is_dir():
        parser.error(f"no corpus folder {corpus or '../shared/corpus/sites'} (give --corpus DIR)")
    corpus = corpus.resolve()
    tools = tools_folder(corpus, shared)
    available = sorted(p.name for p in corpus.iterdir() if (p / "site.zip").is_file())
    names = [n.strip().strip("/") for n in args.sites.split(",") if n.strip()] or available
    unknown = [n for n in names if n not in available]
    if unknown:
        parser.error(f"not in {corpus}: {', '.join(unknown)} (there: {', '.join(available)})")
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    print(f"profilehost site fidelity: {len(names)} real sites from {corpus}, each imported into a fresh SQLite "
          f"instance and compared with {tools / 'site_fidelity.py'} (gunicorn -w 2 on loopback)")
    print("+meta: item pages with their metadata on both sides; missing J/P: pages with no Jekyll reference / "
          "not served by profilehost (scored 0); F1 (matched/reference)\n")
    started = time.monotonic()
    sites: list[dict] = []
    interrupted = False
    try:
        for name in names:
            print(f"  {name} ...", end="", flush=True, file=sys.stderr)
            site_started = time.monotonic()
            site = run_site(name, corpus / name, tools)
            print(f" {time.monotonic() - site_started:.0f} s", file=sys.stderr)
            sites.append(site)
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: instances stopped, temporary folders removed; the sites done so far:", file=sys.stderr)
    print(HEADER if sites else "(no site done)")
    for site in sites:
        print(row(site))
        if args.verbose and site["result"]:
            print("\n".join(page_lines(site)) + "\n")
    if sites:
        print(overall(sites, time.monotonic() - started))
    if args.json_out:
        args.json_out.write_text(json.dumps({"corpus": str(corpus), "tool": str(tools / "site_fidelity.py"),
                                             "interrupted": interrupted, "sites": [json_view(s) for s in sites]},
                                            indent=1, ensure_ascii=False, default=str) + "\n")
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
