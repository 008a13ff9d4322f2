"""Chaos: what a visitor and a writer see when parts of profilehost race, stall, crash or go away (issue #18).

    .venv/bin/python bench/chaos.py [--only NAME ...] [--import-pages 1800] [--list]

Everything runs on loopback: gunicorn (4 sync workers, timeout 30 s) on a PRIVATE PostgreSQL cluster that the
benchmark creates in a temporary folder on a free port (one database per experiment), or on a temporary SQLite
file, and a PRIVATE redis-server where Redis is needed. The machine's own PostgreSQL and Redis are never touched.
Everything started is stopped and every temporary folder removed, on errors and Ctrl-C too.

Experiments (a few seconds to a minute each; the whole run takes a few minutes):
  stale-pg, stale-sqlite  4 writers publish to one tenant at once while 4 readers read; after each acknowledged
                          write its page is read again: stale reads after acknowledgement (item 1)
  quota                   4 files of 0.4 MiB uploaded at once into a 1 MiB quota: bytes stored vs quota (item 2)
  import-large            a legal generated academicpages ZIP (--import-pages) imported over the web: answer code
                          and time, then whether the pages arrive (a job queue) and how long it took (item 3)
  races                   one username or one email in two letter cases registered at once, one file name
                          uploaded twice at once, one ZIP imported twice at once, a form submitted twice (item 4)
  pg-stop, pg-crash       PostgreSQL stopped (pg_ctl stop) / killed (kill -9 of the postmaster), then started
                          again, under reads and writes: codes during the outage (500 vs 503, bare pages), the first
                          answers after the restart, recovery time (item 5)
  redis-stop              the rate limiter's Redis stopped under logins, registrations and API calls (item 5)
  sqlite-lock             a SQLite write lock held 12 s by another process while writers publish (item 5)
  kill-workers            12 kill -9 of gunicorn workers, then kill -9 of the master and a restart (as systemd
                          would), under writes: acknowledged writes lost, recovery time (items 5 and 7)
  timeouts                PostgreSQL with idle_in_transaction_session_timeout=2s and statement_timeout=2s: codes of
                          an import, page publishes and a site rebuild (item 6)
  backup                  a backup of the live SQLite database while writers publish (`flask backup` when the app
                          has it, else a file copy, as the output says): acknowledged writes missing (item 7)

Prints, per experiment: requests sent, writes acknowledged, lost (acknowledged writes not in the database
afterwards), answers by code ("refused", "reset", "timeout" when there was no answer; bare = 5xx without the
app's error page), stale reads after acknowledgement, recovery time, and notes. The targets (issue #18): 0 lost,
0 stale, quota never exceeded, no 500. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack, redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chaos_parts import (  # noqa: E402
    Answer,
    Browser,
    Gunicorn,
    PrivatePostgres,
    PrivateRedis,
    Tally,
    Worker,
    remove_folder,
    request,
)

from _common import PYTHON, REPO, bench_env  # noqa: E402

FLASK = str(Path(PYTHON).with_name("flask"))
PASSWORD = "benchmark password"  # the password bench/populate.py gives every tenant


@dataclass
class Result:
    name: str
    tally: Tally = field(default_factory=Tally)
    acknowledged: int = 0
    lost: int | None = None
    stale: str = "-"
    recovery: str = "-"
    notes: list[str] = field(default_factory=list)

    def row(self) -> str:
        lost = "-" if self.lost is None else str(self.lost)
        sent = sum(self.tally.codes.values())
        return (f"{self.name:<13} {sent:>5} {self.acknowledged:>5} {lost:>4} {self.stale:>9} {self.recovery:>9}  "
                f"{self.tally}" + (f" (bare 5xx: {self.tally.bare_5xx})" if self.tally.bare_5xx else ""))


# --- the app under test -------------------------------------------------------------------------------------


class Site:
    """A database with `tenants` tenants (r00000...) and an API token each, and the settings gunicorn gets."""

    def __init__(self, database_url: str, folder: Path, tenants: int, **settings: str) -> None:
        from populate import bench_app, prepare_schema

        self.folder = folder
        folder.mkdir(exist_ok=True)
        self.env = bench_env(database_url, str(folder))
        # One trusted proxy: each Browser names its own address, so per-address limits count visitors.
        self.env["PROFILEHOST_TRUST_PROXY"] = "1"
        self.env.update({f"PROFILEHOST_{key.upper()}": value for key, value in settings.items()})
        self.app = bench_app(database_url, str(folder))
        with redirect_stderr(io.StringIO()):  # Alembic's lines, one per migration
            prepare_schema(self.app, reset=False)
        self.tokens = [self._tenant(index) for index in range(tenants)]

    def _tenant(self, index: int) -> str:
        """The account r0000<index> with two pages, made through the services as the CLI makes them; its token."""
        from profilehost.extensions import db
        from profilehost.services.accounts import create_account
        from profilehost.services.pages import publish_upload
        from profilehost.services.tokens import create_token
        from sitegen import profile_page, secondary_page

        with self.app.app_context():
            user = create_account(f"r{index:05d}", f"r{index:05d}@example.org", PASSWORD)
            publish_upload(user, profile_page(index, f"Researcher {index}"), "about.md")
            publish_upload(user, secondary_page(index, "publications", 2), "publications.md")
            secret = create_token(user, "chaos")[1]
            db.session.remove()
            return secret

    def scalar(self, statement: str, **params):
        from profilehost.extensions import db

        with self.app.app_context():
            db.engine.dispose()  # pooled connections may be dead: the database was stopped or crashed since
            try:
                value = db.session.execute(db.text(statement), params).scalar()
                db.session.commit()
                return value
            finally:
                db.session.remove()
                db.engine.dispose()  # the database may be stopped next: keep no connection to it

    def missing(self, markers: list[str]) -> int:
        """How many of `markers` no stored revision contains."""
        from profilehost.extensions import db
        from profilehost.models import Revision

        with self.app.app_context():
            db.engine.dispose()
            try:
                sources = db.session.scalars(db.select(Revision.source)).all()
            finally:
                db.session.remove()
                db.engine.dispose()
        text = b"\n".join(bytes(source) for source in sources)
        return sum(marker.encode() not in text for marker in markers)

    def close(self) -> None:
        from profilehost.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def page_source(slug: str, marker: str) -> bytes:
    return f"---\ntitle: Chaos {slug}\npermalink: /{slug}/\n---\n\nMarker {marker}\n".encode()


def api_publish(base: str, token: str, slug: str, tally: Tally, timeout: float = 30) -> tuple[Answer, str]:
    marker = uuid.uuid4().hex
    answer = tally.add(request("POST", f"{base}/api/v1/pages?filename={slug}.md", page_source(slug, marker),
                               {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"}, timeout))
    return answer, marker


def app_has_command(name: str, env: dict) -> bool:
    listed = subprocess.run([FLASK, "--app", "profilehost", "--help"], cwd=REPO, env=env, capture_output=True,
                            text=True).stdout
    return any(line.split()[:1] == [name] for line in listed.splitlines())


def job_worker_command(env: dict) -> list[str] | None:
    """The job queue's consumer, when the app has one (`flask worker` or `flask jobs worker`)."""
    if app_has_command("worker", env):
        return [FLASK, "--app", "profilehost", "worker"]
    if app_has_command("jobs", env):
        return [FLASK, "--app", "profilehost", "jobs", "worker"]
    return None


# --- load: writers and readers that run until told to stop -------------------------------------------------------


class Writers:
    """One thread per tenant publishing its own page every `pause` seconds through the API; what was acknowledged
    is kept with the time of the acknowledgement."""

    def __init__(self, base: str, site: Site, result: Result, count: int, pause: float = 2.2) -> None:
        self.base, self.site, self.result, self.pause = base, site, result, pause
        self.stop_event = threading.Event()
        self.acknowledged: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(count)]
        for thread in self.threads:
            thread.start()

    def _run(self, index: int) -> None:
        while not self.stop_event.is_set():
            started = time.monotonic()
            answer, marker = api_publish(self.base, self.site.tokens[index], f"chaos-{index}", self.result.tally,
                                         timeout=40)
            if answer.status in (200, 201):
                with self.lock:
                    self.acknowledged.append((time.monotonic(), marker))
            self.stop_event.wait(max(0.0, self.pause - (time.monotonic() - started)))

    def stop(self) -> list[str]:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=60)
        self.result.acknowledged += len(self.acknowledged)
        return [marker for _at, marker in self.acknowledged]


class Readers:
    def __init__(self, base: str, paths: list[str], tally: Tally, count: int = 2, pause: float = 0.05) -> None:
        self.base, self.paths, self.tally, self.pause = base, paths, tally, pause
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(count)]
        for thread in self.threads:
            thread.start()

    def _run(self, index: int) -> None:
        number = index
        while not self.stop_event.is_set():
            self.tally.add(request("GET", self.base + self.paths[number % len(self.paths)], timeout=40))
            number += 1
            self.stop_event.wait(self.pause)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=60)


def recovery(base: str, path: str, since: float, budget: float = 60,
             headers: dict | None = None) -> tuple[list, float | None]:
    """The first eight answers after a part is back (fresh connections, so any worker), and the seconds from
    `since` until eight answers in a row are good."""
    first, streak = [], 0
    deadline = since + budget
    while time.monotonic() < deadline:
        answer = request("GET", base + path, headers=headers, timeout=10)
        if len(first) < 8:
            first.append(answer.status)
        streak = streak + 1 if answer.ok else 0
        if streak == 8:
            return first, time.monotonic() - since
        time.sleep(0.05)
    return first, None


def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f}s"


# --- experiments ---------------------------------------------------------------------------------------------


def stale_reads(ctx: Context, engine: str) -> Result:
    """Item 1: after a writer's page is acknowledged, every later read of it must show it."""
    result = Result(f"stale-{engine}")
    site = ctx.site(engine, f"stale_{engine}", tenants=1)
    token, writers, rounds = site.tokens[0], 4, ctx.args.rounds
    with ctx.gunicorn(site) as server:
        paths = [f"/r00000/chaos-w{index}/" for index in range(writers)] + ["/r00000/"]
        readers = Readers(server.url, paths, result.tally, count=4, pause=0)
        barrier = threading.Barrier(writers)
        latest: dict[int, str] = {}
        every: list[str] = []
        refusals: set[str] = set()
        stale, checked, lock = [0], [0], threading.Lock()

        def writer(index: int) -> None:
            for _round in range(rounds):
                barrier.wait(timeout=60)
                answer, marker = api_publish(server.url, token, f"chaos-w{index}", result.tally)
                if answer.status not in (200, 201):
                    with lock:
                        refusals.add(answer.body.decode(errors="replace")[:160])
                    continue
                latest[index] = marker
                with lock:
                    every.append(marker)
                    result.acknowledged += 1
                for _read in range(6):
                    body = result.tally.add(request("GET", f"{server.url}/r00000/chaos-w{index}/")).body
                    with lock:
                        checked[0] += 1
                        stale[0] += marker.encode() not in body

        threads = [threading.Thread(target=writer, args=(index,)) for index in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        readers.stop()
        time.sleep(ctx.args.settle)
        still = sum(marker.encode() not in result.tally.add(request("GET", f"{server.url}/r00000/chaos-w{i}/")).body
                    for i, marker in latest.items() for _read in range(8))
        result.stale = f"{stale[0]}/{checked[0]}"
        result.notes.extend(f"a write refused: {text}" for text in sorted(refusals)[:2])
        result.notes.append(f"still stale {ctx.args.settle:.0f} s after the last write: {still} of "
                            f"{8 * len(latest)} reads")
    result.lost = site.missing(every)
    return result


def quota(ctx: Context) -> Result:
    """Item 2: uploads racing into a 1 MiB quota."""
    result = Result("quota")
    site = ctx.site("pg", "quota", tenants=1, asset_quota_mb="1")
    limit = 1024 * 1024
    pdf = b"%PDF-1.4\n%" + b"x" * (400 * 1024) + b"\n%%EOF\n"
    worst = 0
    with ctx.gunicorn(site) as server:
        for round_number in range(ctx.args.rounds):
            site.scalar("DELETE FROM assets RETURNING 1")
            barrier = threading.Barrier(4)

            def upload(index: int, round_number: int = round_number, barrier=barrier) -> None:
                barrier.wait(timeout=30)
                answer = result.tally.add(request(
                    "PUT", f"{server.url}/api/v1/files/q{round_number}-{index}.pdf", pdf,
                    {"Authorization": f"Bearer {site.tokens[0]}", "Content-Type": "application/pdf"}))
                if answer.status in (200, 201):
                    result.acknowledged += 1

            threads = [threading.Thread(target=upload, args=(index,)) for index in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            worst = max(worst, int(site.scalar("SELECT COALESCE(SUM(size), 0) FROM assets")))
    result.notes.append(f"most bytes stored in a round: {worst / limit:.2f} MiB of a 1.00 MiB quota "
                        f"({'EXCEEDED' if worst > limit else 'within'}) over {ctx.args.rounds} rounds of 4 x 0.40 MiB")
    return result


def import_large(ctx: Context) -> Result:
    """Item 3: a legal site too big for one request."""
    from academicsite import site_zip

    result = Result("import-large")
    site = ctx.site("pg", "import_large", tenants=1)
    archive = site_zip(ctx.args.import_pages)
    command = job_worker_command(site.env)
    with ctx.gunicorn(site) as server, ctx.stopping(Worker(command, site.env, site.folder)):
        browser = Browser(server.url, result.tally)
        browser.log_in("r00000", PASSWORD)
        before = int(site.scalar("SELECT COUNT(*) FROM pages"))
        started = time.monotonic()
        answer = browser.post_files("/dashboard/import", "archive", [("site.zip", archive)], timeout=120)
        result.notes.append(f"{ctx.args.import_pages}-page ZIP ({len(archive) / 1048576:.1f} MiB): answered "
                            f"{answer.status} in {answer.seconds:.1f} s"
                            + ("" if answer.ok or answer.house_page else " (a bare page)"))
        result.notes.append("job worker: " + (" ".join(command[1:]) if command else "none found (no job queue)"))
        progress_seen = b"<progress" in answer.body
        pages_now, done_at = before, None
        while time.monotonic() - started < ctx.args.import_budget:
            progress_seen = progress_seen or b"<progress" in browser.call("GET", "/dashboard/").body
            pages_now = int(site.scalar("SELECT COUNT(*) FROM pages"))
            if pages_now >= before + ctx.args.import_pages * 0.9:
                done_at = time.monotonic() - started
                break
            if not command and not answer.ok:
                break  # no queue, and the request failed: nothing is coming
            time.sleep(2)
        result.acknowledged = int(answer.ok)
        result.lost = 0 if done_at is not None or not answer.ok else 1
        result.recovery = seconds(done_at) if done_at is not None else "-"
        result.notes.append(f"pages stored afterwards: {pages_now - before} (job "
                            f"{'complete after ' + seconds(done_at) if done_at else 'not complete'}); progress bar "
                            f"on the dashboard: {'seen' if progress_seen else 'not seen'}")
    return result


def races(ctx: Context) -> Result:
    """Item 4: the same thing done twice at the same moment."""
    from academicsite import site_zip

    result = Result("races")
    site = ctx.site("pg", "races", tenants=1)
    small_site = site_zip(20)
    with ctx.gunicorn(site) as server:

        def at_once(*actions) -> list[Answer]:
            barrier, answers = threading.Barrier(len(actions)), [None] * len(actions)

            def run(index: int) -> None:
                prepared = actions[index]()
                barrier.wait(timeout=30)
                answers[index] = prepared()

            threads = [threading.Thread(target=run, args=(index,)) for index in range(len(actions))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return answers

        def register(username: str, email: str):
            def prepare():
                browser = Browser(server.url, result.tally)
                token = browser.form_token("/register")
                fields = {"username": username, "email": email, "password": PASSWORD, "confirm": PASSWORD,
                          "invite_code": ""}
                return lambda: browser.post_form("/register", fields, token)
            return prepare

        def logged_in() -> Browser:
            browser = Browser(server.url, result.tally)
            browser.log_in("r00000", PASSWORD)
            return browser

        def upload(browser: Browser, name: str, content: bytes):
            def prepare():
                token = browser.form_token("/dashboard/")
                return lambda: browser.post_files("/dashboard/upload", "files", [(name, content)], token)
            return prepare

        def import_zip(browser: Browser):
            def prepare():
                token = browser.form_token("/dashboard/import")
                return lambda: browser.post_files("/dashboard/import", "archive", [("site.zip", small_site)], token,
                                                  timeout=120)
            return prepare

        rounds = ctx.args.rounds
        lines, doubles = {}, {"username": 0, "email": 0}
        for number in range(rounds):
            name = f"race{uuid.uuid4().hex[:6]}"
            lines.setdefault("username in two cases", []).extend(
                at_once(register(name, f"{name}-1@example.org"), register(name.upper(), f"{name}-2@example.org")))
            doubles["username"] += int(site.scalar("SELECT COUNT(*) FROM users WHERE lower(username) = :n",
                                                   n=name)) > 1
            mail = f"race{uuid.uuid4().hex[:6]}"
            lines.setdefault("email in two cases", []).extend(
                at_once(register(mail + "a", f"{mail}@example.org"),
                        register(mail + "b", f"{mail.upper()}@Example.org")))
            doubles["email"] += int(site.scalar("SELECT COUNT(*) FROM users WHERE lower(email) = :e",
                                                e=f"{mail}@example.org")) > 1
            first, second = logged_in(), logged_in()
            content = page_source(f"same-{number}", uuid.uuid4().hex)
            lines.setdefault("one file name uploaded twice", []).extend(
                at_once(upload(first, f"same-{number}.md", content), upload(second, f"same-{number}.md", content)))
            same = first
            form_fields = {"source": page_source(f"double-{number}", uuid.uuid4().hex).decode(), "base_revision": ""}

            def double_submit(browser: Browser = same, fields: dict = form_fields):
                token = browser.form_token("/dashboard/pages/new")
                return lambda: browser.post_form("/dashboard/pages/new", fields, token)

            lines.setdefault("a form submitted twice", []).extend(at_once(double_submit, double_submit))
        for _number in range(min(rounds, 2)):  # imports are limited to 10 an hour per account
            first, second = logged_in(), logged_in()
            lines.setdefault("one ZIP imported twice", []).extend(at_once(import_zip(first), import_zip(second)))
        for label, answers in lines.items():
            codes = ", ".join(str(answer.status) for answer in answers)
            result.notes.append(f"{label:<30} {codes}")
        result.notes.append(f"two accounts for one username: {doubles['username']} of {rounds} rounds; "
                            f"for one email: {doubles['email']} of {rounds} rounds")
    return result


def database_outage(ctx: Context, crash: bool) -> Result:
    """Item 5: PostgreSQL goes away under load and comes back."""
    result = Result("pg-crash" if crash else "pg-stop")
    site = ctx.site("pg", "crash" if crash else "stop", tenants=4)
    with ctx.gunicorn(site) as server:
        writers = Writers(server.url, site, result, count=4)
        readers = Readers(server.url, ["/r00000/", "/r00001/publications/", "/r00002/"], result.tally)
        time.sleep(4)
        before = Tally()
        before.codes.update(result.tally.codes)
        if crash:
            ctx.postgres.crash()
        else:
            ctx.postgres.stop()
        down_since = time.monotonic()
        time.sleep(ctx.args.outage)
        during = Tally()
        during.codes.update(result.tally.codes - before.codes)
        bare_during, retry_during = result.tally.bare_5xx, result.tally.retry_after_503
        ctx.postgres.start()
        back = time.monotonic()
        first, took = recovery(server.url, "/r00000/", back)
        time.sleep(3)
        readers.stop()
        markers = writers.stop()
    result.lost = site.missing(markers)
    result.recovery = seconds(took)
    result.notes.append(f"during the {ctx.args.outage:.0f} s outage: {during} (bare 5xx: {bare_during}, "
                        f"503 with Retry-After: {retry_during}); "
                        f"restart took {back - down_since - ctx.args.outage:.1f} s")
    result.notes.append(f"first answers after the restart: {', '.join(map(str, first))}")
    return result


def redis_outage(ctx: Context) -> Result:
    """Item 5: the rate limiter's Redis stops; logins, registrations and API calls go on."""
    result = Result("redis-stop")
    redis = ctx.redis()
    site = ctx.site("pg", "redis", tenants=2, redis_url=redis.url)
    with ctx.gunicorn(site) as server:
        def traffic(tally: Tally, seconds_: float) -> None:
            deadline = time.monotonic() + seconds_
            while time.monotonic() < deadline:
                browser = Browser(server.url, tally)
                browser.log_in("r00001", PASSWORD)
                name = f"redis{uuid.uuid4().hex[:8]}"
                browser_new = Browser(server.url, tally)
                browser_new.post_form("/register", {"username": name, "email": f"{name}@example.org",
                                                    "password": PASSWORD, "confirm": PASSWORD, "invite_code": ""})
                tally.add(request("GET", server.url + "/api/v1/pages",
                                  headers={"Authorization": f"Bearer {site.tokens[0]}"}))

        up = Tally()
        traffic(up, 3)
        redis.stop()
        down = Tally()
        traffic(down, ctx.args.outage)
        redis.start()
        back = time.monotonic()
        first, took = recovery(server.url, "/api/v1/pages", back,
                               headers={"Authorization": f"Bearer {site.tokens[0]}"})
        again = Tally()
        traffic(again, 3)
        fallback_lines = server.log_lines("emory")  # "memory" / "Memory": Flask-Limiter's fallback says so
    for tally in (up, down, again):
        result.tally.codes.update(tally.codes)
        result.tally.bare_5xx += tally.bare_5xx
    result.recovery = seconds(took)
    result.notes.append(f"Redis up: {up}   Redis stopped: {down} (bare 5xx: {down.bare_5xx})   back: {again}")
    result.notes.append(f"log lines naming the in-memory fallback: {fallback_lines}")
    return result


def sqlite_lock(ctx: Context) -> Result:
    """Item 5: another process holds SQLite's write lock for 12 s."""
    result = Result("sqlite-lock")
    site = ctx.site("sqlite", "lock", tenants=4)
    path = Path(site.env["PROFILEHOST_DATABASE_URL"].removeprefix("sqlite:///"))
    with ctx.gunicorn(site) as server:
        writers = Writers(server.url, site, result, count=4, pause=1.0)
        time.sleep(2)
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        held_since = time.monotonic()
        before = Tally()
        before.codes.update(result.tally.codes)
        time.sleep(12)
        holder.execute("ROLLBACK")
        holder.close()
        during = Tally()
        during.codes.update(result.tally.codes - before.codes)
        first, took = recovery(server.url, "/r00000/", time.monotonic())
        time.sleep(2)
        markers = writers.stop()
    result.lost = site.missing(markers)
    result.recovery = seconds(took)
    result.notes.append(f"while the lock was held ({time.monotonic() - held_since:.0f} s ago): {during}")
    return result


def kill_workers(ctx: Context) -> Result:
    """Items 5 and 7: kill -9 of workers, then of the master, under writes."""
    result = Result("kill-workers")
    site = ctx.site("pg", "kill", tenants=4)
    with ctx.gunicorn(site) as server:
        writers = Writers(server.url, site, result, count=4, pause=1.0)
        readers = Readers(server.url, ["/r00000/", "/r00002/publications/"], result.tally)
        killed = 0
        for _kill in range(12):
            time.sleep(1.5)
            pids = server.worker_pids()
            if pids:
                os.kill(pids[killed % len(pids)], signal.SIGKILL)
                killed += 1
        time.sleep(2)
        orphans = server.worker_pids()
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        killed_at = time.monotonic()
        time.sleep(3)
        alive = [pid for pid in orphans if _alive(pid)]
        for pid in alive:  # ours: the workers of the master we killed
            os.kill(pid, signal.SIGKILL)
        answer_after = request("GET", server.url + "/r00000/", timeout=5).status
        server.start()  # what systemd's Restart= would do
        first, took = recovery(server.url, "/r00000/", killed_at)
        time.sleep(2)
        readers.stop()
        markers = writers.stop()
    result.lost = site.missing(markers)
    result.recovery = seconds(took) + "*"
    result.notes.append(f"{killed} workers killed; then the master: its {len(orphans)} workers still alive 3 s "
                        f"later: {len(alive)}; answer with no master: {answer_after}")
    result.notes.append("* from the master's death to 8 good answers, with gunicorn started again by the benchmark "
                        "3 s later (nothing in the app restarts it)")
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def timeouts(ctx: Context) -> Result:
    """Item 6: common production timeouts against transactions held while rendering."""
    from academicsite import site_zip

    result = Result("timeouts")
    site = ctx.site("pg", "timeouts", tenants=1, settings={"idle_in_transaction_session_timeout": "2s",
                                                           "statement_timeout": "2s"})
    command = job_worker_command(site.env)
    with ctx.gunicorn(site) as server, ctx.stopping(Worker(command, site.env, site.folder)):
        browser = Browser(server.url, result.tally)
        browser.log_in("r00000", PASSWORD)
        archive = site_zip(ctx.args.timeout_pages)
        imported = browser.post_files("/dashboard/import", "archive", [("site.zip", archive)], timeout=120)
        time.sleep(2)
        publishes = [api_publish(server.url, site.tokens[0], f"chaos-{number}", result.tally)
                     for number in range(3)]
        config = b'title: "Rebuilt"\nname: "Morgan Example"\nauthor:\n  name: "Morgan Example"\n  bio: "Changed"\n'
        rebuilt = browser.post_files("/dashboard/upload", "files", [("_config.yml", config)],
                                     form_path="/dashboard/", timeout=120)
    acknowledged = [marker for answer, marker in publishes if answer.status in (200, 201)]
    result.acknowledged = len(acknowledged) + int(imported.ok) + int(rebuilt.ok)
    result.lost = site.missing(acknowledged)
    result.notes.append(f"import of {ctx.args.timeout_pages} pages: {imported.status} in {imported.seconds:.1f} s; "
                        f"publishes: {', '.join(str(answer.status) for answer, _m in publishes)}; "
                        f"_config.yml upload (a site rebuild): {rebuilt.status} in {rebuilt.seconds:.1f} s")
    return result


def backup(ctx: Context) -> Result:
    """Item 7: a backup taken while the app writes must hold every write acknowledged before it started."""
    result = Result("backup")
    site = ctx.site("sqlite", "backup", tenants=4)
    live = Path(site.env["PROFILEHOST_DATABASE_URL"].removeprefix("sqlite:///"))
    copy = site.folder / "backup.sqlite3"
    with ctx.gunicorn(site) as server:
        writers = Writers(server.url, site, result, count=4, pause=0.5)
        time.sleep(6)
        started = time.monotonic()
        how = _take_backup(site.env, live, copy)
        took = time.monotonic() - started
        time.sleep(2)
        markers = writers.stop()
    before = [marker for at, marker in writers.acknowledged if at < started]
    result.lost = site.missing(markers)
    with sqlite3.connect(copy) as connection:
        sources = b"\n".join(bytes(row[0]) for row in connection.execute("SELECT source FROM revisions"))
    missing = sum(marker.encode() not in sources for marker in before)
    result.notes.append(f"backup by {how} in {took:.1f} s: {missing} of {len(before)} writes acknowledged before it "
                        "started are missing from the copy")
    return result


def _take_backup(env: dict, live: Path, copy: Path) -> str:
    if app_has_command("backup", env):
        usage = subprocess.run([FLASK, "--app", "profilehost", "backup", "--help"], cwd=REPO, env=env,
                               capture_output=True, text=True).stdout
        argument = [str(copy)] if "Usage:" in usage and ("[OUTPUT]" in usage or "PATH" in usage.upper()
                                                          or "FILE" in usage.upper()) else []
        done = subprocess.run([FLASK, "--app", "profilehost", "backup", *argument], cwd=REPO, env=env,
                              capture_output=True, text=True)
        if done.returncode == 0 and copy.exists():
            return "`flask backup`"
        print(f"  (flask backup failed: {(done.stderr or done.stdout)[-300:]!r}; falling back to a file copy)")
    shutil.copyfile(live, copy)
    return "a file copy (no working `flask backup`)"


# --- the run -------------------------------------------------------------------------------------------------


class Context:
    """What the experiments share: the temporary folder, the private PostgreSQL cluster (started on first use),
    and a stack that stops everything started, in reverse order, however the run ends."""

    def __init__(self, args, stack: ExitStack, root: Path) -> None:
        self.args, self.stack, self.root = args, stack, root
        self._postgres: PrivatePostgres | None = None

    @property
    def postgres(self) -> PrivatePostgres:
        if self._postgres is None:
            self._postgres = PrivatePostgres(self.root / "postgres")
            self.stack.callback(self._postgres.close)
        return self._postgres

    def redis(self) -> PrivateRedis:
        redis = PrivateRedis(self.root / f"redis-{uuid.uuid4().hex[:6]}")
        self.stack.callback(redis.close)
        return redis

    def site(self, engine: str, name: str, tenants: int, settings: dict | None = None, **app_settings) -> Site:
        folder = self.root / name
        folder.mkdir()
        if engine == "pg":
            url = self.postgres.create_database(name, settings)
        else:
            url = f"sqlite:///{folder}/chaos.sqlite3"
        site = Site(url, folder, tenants, **app_settings)
        self.stack.callback(site.close)
        return site

    def gunicorn(self, site: Site, workers: int = 4):
        return self.stopping(Gunicorn(site.env, site.folder, workers))

    def stopping(self, thing):
        """`thing` as a context manager that stops it, and stopped at the end of the run in any case."""
        self.stack.callback(thing.stop)

        class Stopping:
            def __enter__(self_inner):
                return thing

            def __exit__(self_inner, *_exc):
                thing.stop()

        return Stopping()


EXPERIMENTS = {
    "stale-pg": lambda ctx: stale_reads(ctx, "pg"),
    "stale-sqlite": lambda ctx: stale_reads(ctx, "sqlite"),
    "quota": quota,
    "import-large": import_large,
    "races": races,
    "pg-stop": lambda ctx: database_outage(ctx, crash=False),
    "pg-crash": lambda ctx: database_outage(ctx, crash=True),
    "redis-stop": redis_outage,
    "sqlite-lock": sqlite_lock,
    "kill-workers": kill_workers,
    "timeouts": timeouts,
    "backup": backup,
}


def _interrupted(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=sorted(EXPERIMENTS), metavar="NAME",
                        help="run only this experiment (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the experiments and stop")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of each race (stale: 4 writers each round)")
    parser.add_argument("--outage", type=float, default=8, help="seconds a part stays down")
    parser.add_argument("--settle", type=float, default=5, help="seconds before the last stale check")
    parser.add_argument("--import-pages", type=int, default=1800, help="pages of the large ZIP")
    parser.add_argument("--import-budget", type=float, default=150, help="seconds to wait for the import's job")
    parser.add_argument("--timeout-pages", type=int, default=300, help="pages of the ZIP imported under timeouts")
    args = parser.parse_args()
    if args.list:
        print("\n".join(EXPERIMENTS))
        return
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)
    chosen = args.only or list(EXPERIMENTS)
    commit = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    changed = subprocess.run(["git", "status", "--short", "--untracked-files=no"], cwd=REPO, capture_output=True,
                             text=True).stdout.count("\n")
    print(f"profilehost chaos benchmark on {commit[:100]}"
          + (f" (+ {changed} files changed in the working tree)" if changed else ""))
    print(f"gunicorn 4 sync workers (timeout 30 s), private PostgreSQL 15 / SQLite, loopback; {os.cpu_count()} cores")
    results = []
    root = Path(tempfile.mkdtemp(prefix="profilehost-chaos-"))
    root.chmod(0o755)  # the private cluster's postgres user must reach its folder inside
    try:
        for name in chosen:
            started = time.monotonic()
            with ExitStack() as stack:
                ctx = Context(args, stack, root / name)
                ctx.root.mkdir()
                try:
                    result = EXPERIMENTS[name](ctx)
                except KeyboardInterrupt:
                    raise
                except Exception as failure:  # noqa: BLE001 - one broken experiment must not hide the others
                    result = Result(name, notes=[f"the experiment itself failed: {failure!r}"[:400]])
            result.notes.append(f"({time.monotonic() - started:.0f} s)")
            results.append(result)
            _print([result], header=len(results) == 1)
            sys.stdout.flush()
            remove_folder(root / name)
    finally:
        remove_folder(root)
    print("\nsummary (targets: lost 0, stale 0, quota within, no 500)")
    _print(results, header=True, notes=False)


def _print(results: list[Result], header: bool, notes: bool = True) -> None:
    if header:
        print(f"\n{'experiment':<13} {'sent':>5} {'acked':>5} {'lost':>4} {'stale':>9} {'recovery':>9}  "
              "answers by code")
    for result in results:
        print(result.row())
        if notes:
            for note in result.notes:
                print(f"    {note}")


if __name__ == "__main__":
    main()
