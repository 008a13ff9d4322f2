"""A bounded mixed load, then a check that no accepted write was lost.

    .venv/bin/python bench/soak.py [--seconds 60] [--clients 8] [--tenants 50]

gunicorn (4 workers) on loopback, on PROFILEHOST_DATABASE_URL (an EMPTY PostgreSQL database, or a temporary
SQLite file) with PROFILEHOST_REDIS_URL (if set) as the rate-limit store. Each client draws: 95% public page
reads, 4% page uploads of its own tenant, 1% logins. Afterwards every accepted upload's public URL must serve
exactly the text that was accepted. Prints requests, answers by status, and lost writes (target: 0 errors,
0 lost). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publish import TOKEN, multipart  # noqa: E402

from _common import Server, bench_env, default_database, temporary_instance  # noqa: E402
from populate import PASSWORD, bench_app, populate, prepare_schema  # noqa: E402

LOGIN_BODY = "csrf_token={token}&username={user}&password=" + PASSWORD.replace(" ", "+")


class Client:
    def __init__(self, base: str, index: int, tenants: int, deadline: float, tally: Counter, accepted: dict,
                 lock: threading.Lock) -> None:
        self.base, self.user = base, f"r{index:05d}"
        self.tenants, self.deadline, self.tally, self.accepted, self.lock = tenants, deadline, tally, accepted, lock
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.rng = random.Random(index)

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        try:
            with self.opener.open(Request(self.base + url, data=data, headers=headers or {}), timeout=30) as answer:
                status, body = answer.status, answer.read()
        except HTTPError as answer:
            status, body = answer.code, answer.read()
            answer.close()
        with self.lock:
            self.tally[status] += 1
        return status, body

    def login(self) -> None:
        _status, page = self.request("/login")
        token = TOKEN.search(page.decode()).group(1)
        self.request("/login", LOGIN_BODY.format(token=token, user=self.user).encode())

    def upload(self, number: int) -> None:
        slug = f"soak-{self.rng.randrange(5)}"
        text = f"---\npermalink: /{slug}/\ntitle: Soak {number}\n---\n\nMarker {uuid.uuid4().hex}\n".encode()
        _status, page = self.request("/dashboard/")
        match = TOKEN.search(page.decode())
        if match is None:
            return
        body, content_type = multipart(match.group(1), f"{slug}.md", text)
        status, result = self.request("/dashboard/upload", body, {"Content-Type": content_type})
        if status == 200 and b"result-ok" in result:
            with self.lock:
                self.accepted[(self.user, slug)] = text.split(b"Marker ")[1].strip()

    def run(self) -> None:
        self.login()
        number = 0
        while time.monotonic() < self.deadline:
            draw = self.rng.random()
            number += 1
            if draw < 0.95:
                self.request(f"/r{self.rng.randrange(self.tenants):05d}/")
            elif draw < 0.99:
                self.upload(number)
            else:
                self.login()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tenants", type=int, default=50)
    args = parser.parse_args()
    with temporary_instance() as instance:
        database_url = default_database(instance)
        env = bench_env(database_url, instance)
        if os.environ.get("PROFILEHOST_REDIS_URL"):
            env["PROFILEHOST_REDIS_URL"] = os.environ["PROFILEHOST_REDIS_URL"]
        app = bench_app(database_url, instance)
        prepare_schema(app, reset=database_url.endswith("bench.sqlite3"))
        populate(app, max(args.tenants, args.clients))
        tally: Counter = Counter()
        accepted: dict = {}
        lock = threading.Lock()
        with Server("wsgi:app", env, 4) as server:
            deadline = time.monotonic() + args.seconds
            clients = [Client(server.url, i, args.tenants, deadline, tally, accepted, lock)
                       for i in range(args.clients)]
            threads = [threading.Thread(target=client.run) for client in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            lost = [key for key, marker in accepted.items()
                    if marker not in clients[0].request(f"/{key[0]}/{key[1]}/")[1]]
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        errors = sum(count for status, count in tally.items() if status >= 500)
        print(f"soak: {engine}, gunicorn 4 workers, {args.clients} clients x {args.seconds:.0f}s, "
              f"Redis: {'yes' if 'PROFILEHOST_REDIS_URL' in env else 'no'}")
        print(f"requests {sum(tally.values())}  by status {dict(sorted(tally.items()))}")
        print(f"accepted uploads (last per page) {len(accepted)}  lost writes {len(lost)}  server errors {errors}"
              "   (target: 0 errors, 0 lost)")


if __name__ == "__main__":
    main()
