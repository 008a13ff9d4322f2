"""Whole-site build times: importing a site's ZIP into a fresh tenant, and what an edit then costs.

    .venv/bin/python bench/site_build.py [--rounds 3] [--pages 500] [--small-pages 50] [--edits 30]
        [--site NAME] [--corpus DIR] [--database-url URL] [--profile]

In-process, inside an app context, on a fresh temporary database built by the migrations (SQLite in a temporary
folder by default; `--database-url postgresql+psycopg://127.0.0.1:5432/NAME` runs on PostgreSQL: a database NAME
that does not exist is made with createdb and dropped at the end, an existing one must be empty and is emptied
at the end). Each round imports into a fresh tenant.

1. `site_import.import_site` of the real site of the shared corpus with the most pages (../shared/corpus/sites,
   found as bench/site_fidelity.py finds it; --site NAME for another): every round, the median, pages imported.
2. The same for a generated academicpages-style site of --pages pages (bench/academicsite.py: publications,
   talks, posts, teaching, portfolio, listings, a CV over _data/cv.yml, a year archive) and of --small-pages.
3. After the generated site is imported, --edits real edits, each committed: a publication with
   `pages.publish_upload(..., collection="publications")` (its listings are rendered again before its short write
   transaction), a plain page (nothing depends on it), and `_data/cv.yml` with `site_build.write_site_file` (a
   unit of work: it commits). p50/p90/max in ms and the pages each edit rendered again. --profile adds
   cProfile's view of one publication edit.
4. A rebuild of every page of the generated site (what a `_config.yml` change leaves to the job queue): the time
   it renders with no transaction open, and the time of its write transaction, during which the tenant is locked.

Prints the machine (and its load average, at the start and the end) and the database engine first. Asserts
nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import academicsite  # noqa: E402
from site_fidelity import shared_folder  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from populate import bench_app, prepare_schema  # noqa: E402
from profilehost.config import database_url as normalised_url  # noqa: E402
from profilehost.extensions import db  # noqa: E402
from profilehost.models import Page, User  # noqa: E402
from profilehost.services import accounts, dead_links, pages, site_build, site_files, site_import, site_versions  # noqa: E402, E501

PASSWORD = "site build benchmark password"
EDITED_PUBLICATION = 7  # or the last one, in a smaller site
EDITED_PAGE = 3  # of the plain pages (_pages/notes-NNN.md)
LIVE_TARGET_S = 2.0  # the issue: a 50-page site live in under 2 s
EDIT_TARGET_MS = 50.0  # the issue: one edited page live, dependents included, p50 <= 50 ms
PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")


# --------------------------------------------------------------------------- where and on what
def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return (f"{os.cpu_count()} cores{f' ({model})' if model else ''}, {platform.machine()}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def load() -> str:
    """The machine is shared: its load average says how much else ran beside the benchmark."""
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def engine_name() -> str:
    if db.engine.dialect.name == "postgresql":
        version = db.session.scalar(text("SHOW server_version"))
        return f"PostgreSQL {version} ({db.engine.url.render_as_string(hide_password=True)})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (temporary file)"


@contextmanager
def database(raw_url: str | None, instance: Path):
    """The database URL to use, and on exit: nothing (SQLite: the temporary folder goes), dropdb for a PostgreSQL
    database made here, or the tables dropped from an existing empty one (see `empty_database`)."""
    if not raw_url:
        yield f"sqlite:///{instance}/site-build.sqlite3", False
        return
    url = make_url(normalised_url(raw_url, instance))
    if url.get_backend_name() != "postgresql":
        yield url.render_as_string(hide_password=False), False
        return
    env = dict(os.environ, **({"PGPASSWORD": url.password} if url.password else {}))
    where = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)] + (["-U", url.username] if url.username
                                                                              else [])
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": url.database}) is not None
    finally:
        server.dispose()
    if not exists:
        subprocess.run(["createdb", *where, url.database], check=True, env=env)
    try:
        yield url.render_as_string(hide_password=False), exists
    finally:
        if not exists:
            done = subprocess.run(["dropdb", *where, "--if-exists", url.database], env=env, capture_output=True)
            if done.returncode:  # a connection left open somewhere: PostgreSQL 13+ can close it
                subprocess.run(["dropdb", *where, "--if-exists", "--force", url.database], env=env, check=True)


def empty_database() -> None:
    """An existing database given to us is left as empty as it came."""
    from flask_migrate import downgrade

    downgrade(revision="base")
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def corpus_site(name: str | None, corpus: Path | None) -> Path:
    if corpus is None:
        shared = shared_folder()
        corpus = shared / "corpus" / "sites" if shared else None
    if corpus is None or not corpus.is_dir():
        raise SystemExit(f"no corpus folder {corpus or '../shared/corpus/sites'} (give --corpus DIR)")
    zips = sorted(corpus.glob("*/site.zip"))
    if name:
        chosen = corpus / name / "site.zip"
        if not chosen.is_file():
            raise SystemExit(f"{chosen} does not exist (there: {', '.join(z.parent.name for z in zips)})")
        return chosen
    if not zips:
        raise SystemExit(f"no */site.zip in {corpus}")
    return max(zips, key=page_files)


def page_files(archive: Path) -> int:
    """Markdown and HTML files in _pages/ and the collection folders: the pages an import would make."""
    with zipfile.ZipFile(archive) as opened:
        names = [name.split("/", 1)[1] if "/" in name else name for name in opened.namelist()]
    return sum(1 for name in names if name.startswith("_") and "/" in name and not name.startswith(
        ("_data/", "_includes/", "_layouts/", "_sass/", "_site/", "_drafts/")) and name.lower().endswith(PAGE_SUFFIXES))


# --------------------------------------------------------------------------- measuring
class Counter:
    """Counts the pages rendered again and written by `site_build.take_renderings` (the services call it through
    the module, whether the pages were rendered before the write or, on a last attempt, inside it)."""

    def __init__(self) -> None:
        self.original = site_build.take_renderings
        self.rendered: list[str] = []

    def __call__(self, *args, **kwargs):
        done = self.original(*args, **kwargs)
        self.rendered.extend(done)
        return done

    def __enter__(self) -> Counter:
        site_build.take_renderings = self
        return self

    def __exit__(self, *_exc) -> None:
        site_build.take_renderings = self.original

    def take(self) -> list[str]:
        taken, self.rendered = self.rendered, []
        return taken


def new_tenant(username: str) -> User:
    return accounts.create_account(username, f"{username}@example.org", PASSWORD)


def tenant_pages(tenant_id: int) -> int:
    return db.session.scalar(select(func.count(Page.id)).where(Page.user_id == tenant_id, Page.deleted_at.is_(None)))


def import_rounds(data: bytes, name: str, rounds: int, prefix: str, quota: int) -> tuple[list[float], int, int]:
    """Seconds of each round (a fresh tenant each), pages of the last tenant, and that tenant's id."""
    seconds, count, tenant_id = [], 0, 0
    for number in range(rounds):
        tenant = new_tenant(f"{prefix}{number}")
        tenant_id = tenant.id
        db.session.remove()
        tenant = db.session.get(User, tenant_id)
        started = time.perf_counter()
        report = site_import.import_site(tenant, data, name, quota=quota)
        seconds.append(time.perf_counter() - started)
        if not report.ok:
            problems = "; ".join(f"{path}: {message}" for path, message in report.errors[:3])
            raise SystemExit(f"{name} was refused: {problems}")
        count = tenant_pages(tenant_id)
        db.session.remove()
    return seconds, count, tenant_id


def import_line(label: str, seconds: list[float], count: int, target: float | None = None) -> str:
    median = statistics.median(seconds)
    rounds = ", ".join(f"{s:.2f}" for s in seconds)
    goal = f"   (target < {target:.0f} s: {'met' if median < target else 'missed'})" if target else ""
    return (f"  {label:<34} median {median:6.2f} s   {count / median:6.1f} pages/s   {count} pages   "
            f"rounds: {rounds} s{goal}")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(sample * 1000 for sample in samples)
    p90 = ordered[max(int(round(len(ordered) * 0.9)) - 1, 0)]
    return f"p50 {statistics.median(ordered):7.1f} ms   p90 {p90:7.1f} ms   max {ordered[-1]:7.1f} ms"


def timed_edits(tenant_id: int, edits: int, edit, counter: Counter) -> tuple[list[float], list[int]]:
    """`edit(tenant, number)` run `edits` times, each in a fresh session as a request has; its seconds and the
    pages each rendered again."""
    seconds, rendered = [], []
    for number in range(1, edits + 1):
        db.session.remove()
        tenant = db.session.get(User, tenant_id)
        counter.take()
        started = time.perf_counter()
        again = edit(tenant, number)
        seconds.append(time.perf_counter() - started)
        rendered.append(len(set(counter.take()) | set(again or ())))
    db.session.remove()
    return seconds, rendered


def edit_publication(seed: int, which: int):
    def edit(tenant: User, number: int) -> None:
        filename, source = academicsite.publication(which, seed, revision=number)
        pages.publish_upload(tenant, source.encode(), filename, collection="publications")
    return edit


def edit_plain_page(seed: int, which: int):
    def edit(tenant: User, number: int) -> None:
        filename, source = academicsite.plain_page(which, seed, revision=number)
        pages.publish_upload(tenant, source.encode(), filename)
    return edit


def edit_cv_data(seed: int):
    def edit(tenant: User, number: int) -> list[str]:
        saved = site_files.save_site_file(tenant, "_data/cv.yml", academicsite.cv_data(seed, revision=number)
                                          .encode())
        return saved.rerendered
    return edit


def rebuild_rounds(tenant_id: int, rounds: int) -> tuple[list[float], list[float], int]:
    """A rebuild of every page (what a _config.yml change queues): seconds rendering with no transaction open, and
    seconds of the write transaction (the tenant locked), per round; pages rendered."""
    rendering, writing, count = [], [], 0
    for _ in range(rounds):
        db.session.remove()
        tenant = db.session.get(User, tenant_id)
        started = time.perf_counter()
        dependents = site_build.read_dependents(tenant, site_build.ALL_PAGES)
        site = site_build.snapshot(tenant).context()
        addresses = dead_links.SiteAddresses.of(tenant)
        db.session.rollback()
        renderings = site_build.render_dependents(dependents, site, addresses, failures=[])
        rendered_at = time.perf_counter()
        site_versions.claim(db.session, tenant_id)
        count = len(site_build.take_renderings(tenant, renderings))
        db.session.commit()
        rendering.append(rendered_at - started)
        writing.append(time.perf_counter() - rendered_at)
    db.session.remove()
    return rendering, writing, count


def rendered_line(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    if low == high:
        return f"{low} page{'s' if low != 1 else ''} rendered again"
    return f"{low}-{high} pages rendered again"


def profile_one_edit(tenant_id: int, edit, number: int) -> None:
    db.session.remove()
    tenant = db.session.get(User, tenant_id)
    profiler = cProfile.Profile()
    profiler.enable()
    edit(tenant, number)
    profiler.disable()
    db.session.remove()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        lines = int(os.environ.get("PROFILE_LINES", "22"))  # more of the profile: PROFILE_LINES=200
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(lines)
        print(f"\ncProfile of one publication edit, by {order}:")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


# --------------------------------------------------------------------------- the run
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="imports of each site, a fresh tenant each")
    parser.add_argument("--pages", type=int, default=500, help="pages of the generated site")
    parser.add_argument("--small-pages", type=int, default=50, help="pages of the small generated site")
    parser.add_argument("--edits", type=int, default=30, help="edits of each kind")
    parser.add_argument("--site", help="NAME of the corpus site to import (default: the one with most pages)")
    parser.add_argument("--corpus", type=Path, help="folder of NAME/site.zip (default ../shared/corpus/sites)")
    parser.add_argument("--database-url", help="postgresql+psycopg://HOST:PORT/NAME (default: temporary SQLite)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated sites")
    parser.add_argument("--profile", action="store_true", help="print cProfile's view of one publication edit")
    args = parser.parse_args()
    site_zip = corpus_site(args.site, args.corpus)

    instance = Path(tempfile.mkdtemp(prefix="profilehost-site-build-"))
    try:
        with database(args.database_url, instance) as (url, existing):
            app = bench_app(url, str(instance / "instance"))
            prepare_schema(app, reset=False)
            with app.app_context():
                try:
                    run(args, app.config["ASSET_QUOTA_BYTES"], site_zip)
                finally:
                    db.session.remove()
                    if existing:
                        empty_database()
                    db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def run(args, quota: int, site_zip: Path) -> None:
    print(f"profilehost site build benchmark: {machine()}; {load()}")
    print(f"database: {engine_name()}; in-process, {args.rounds} round{'s' if args.rounds != 1 else ''} of each "
          "import, a fresh tenant each")

    print(f"\n1. Import of the largest shared site: {site_zip.parent.name} ({site_zip.stat().st_size / 1024:.0f} KB "
          f"ZIP, {page_files(site_zip)} page files)")
    seconds, count, _ = import_rounds(site_zip.read_bytes(), site_zip.name, args.rounds, "corpus", quota)
    print(import_line("import_site", seconds, count))

    print(f"\n2. Import of generated academicpages-style sites (bench/academicsite.py, seed {args.seed})")
    tenant_id = 0
    for size, prefix in ((args.pages, "big"), (args.small_pages, "small")):
        files = academicsite.site_files(size, args.seed)
        data = academicsite.build_zip(files)
        shape = ", ".join(f"{number} {name}" for name, number in academicsite.counts(size).items())
        source_kb = sum(len(content) for path, content in files.items() if path.endswith(PAGE_SUFFIXES)) / 1024
        print(f"  {size} pages ({shape}; {source_kb:.0f} KB of page sources, {len(data) / 1024:.0f} KB ZIP)")
        seconds, count, last = import_rounds(data, f"generated-{size}.zip", args.rounds, prefix, quota)
        print(import_line(f"import_site, {size} pages", seconds, count,
                          LIVE_TARGET_S if size == args.small_pages else None))
        if size == args.pages:
            tenant_id = last

    print(f"\n3. Edits after the {args.pages}-page import, each committed ({args.edits} of each kind, each a real "
          "change, in a fresh session)")
    shape = academicsite.counts(args.pages)
    kinds = [("_data/cv.yml (save_site_file)", edit_cv_data(args.seed))]
    if shape["pages"] > 7:  # the plain pages come after the seven every site has
        kinds.insert(0, ("plain page (publish_upload)",
                         edit_plain_page(args.seed, min(EDITED_PAGE, shape["pages"] - 8))))
    if shape["publications"]:
        kinds.insert(0, ("publication (publish_upload)",
                         edit_publication(args.seed, min(EDITED_PUBLICATION, shape["publications"] - 1))))
    with Counter() as counter:
        for label, edit in kinds:
            seconds, rendered = timed_edits(tenant_id, args.edits, edit, counter)
            goal = (f"   (target p50 <= {EDIT_TARGET_MS:.0f} ms: "
                    f"{'met' if statistics.median(seconds) * 1000 <= EDIT_TARGET_MS else 'missed'})"
                    if label.startswith("publication") else "")
            print(f"  {label:<32} {percentiles(seconds)}   {rendered_line(rendered)}{goal}")
    rendering, writing, count = rebuild_rounds(tenant_id, args.rounds)
    print(f"\n4. A rebuild of all {count} pages of the {args.pages}-page site (what a _config.yml change leaves to "
          f"the worker), {args.rounds} rounds:\n  rendering, no transaction open: {percentiles(rendering)}\n"
          f"  its write transaction (the tenant locked): {percentiles(writing)}")
    print(f"  ({load()} at the end)")
    if args.profile and shape["publications"]:
        profile_one_edit(tenant_id, kinds[0][1], args.edits + 1)


if __name__ == "__main__":
    main()
