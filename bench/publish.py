"""Upload-to-live latency: how long from sending a page until its public URL serves the new revision.

    .venv/bin/python bench/publish.py [--uploads 100] [--cli-runs 10]

Through HTTP (log in, take the CSRF token, upload on the dashboard, then poll the public URL) against gunicorn
on loopback, and through `flask page publish` (a whole process each time). Pages are the size of the seed pages,
from bench/sitegen.py. Uses PROFILEHOST_DATABASE_URL when set (an empty database), else a temporary SQLite file.
Prints p50/p99 in milliseconds. Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import REPO, Server, bench_env, default_database, temporary_instance  # noqa: E402
from populate import PASSWORD, bench_app, populate, prepare_schema  # noqa: E402
from sitegen import profile_page  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
JEKYLL_LOCAL_BUILD_S = 0.35  # the figure for a local `jekyll build` of a one-page site


def multipart(token: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            f"Content-Type: text/markdown\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   (n={len(ordered)})"


def http_latencies(base: str, uploads: int) -> list[float]:
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    token = TOKEN.search(opener.open(base + "/login").read().decode()).group(1)
    opener.open(base + "/login", f"csrf_token={token}&username=r00000&password={PASSWORD.replace(' ', '+')}".encode())
    samples = []
    for number in range(uploads):
        marker = f"revision-marker-{number}-{uuid.uuid4().hex[:8]}"
        content = profile_page(number, "Researcher 0").replace(b"## News", f"{marker}\n\n## News".encode())
        token = TOKEN.search(opener.open(base + "/dashboard/").read().decode()).group(1)
        body, content_type = multipart(token, "about.md", content)
        started = time.perf_counter()
        opener.open(Request(base + "/dashboard/upload", data=body, headers={"Content-Type": content_type})).read()
        while marker.encode() not in opener.open(base + "/r00000/").read():
            pass
        samples.append(time.perf_counter() - started)
    return samples


def cli_latencies(env: dict, base: str, runs: int, folder: Path) -> list[float]:
    samples = []
    opener = build_opener()
    for number in range(runs):
        marker = f"cli-marker-{number}-{uuid.uuid4().hex[:8]}"
        source = folder / "about.md"
        source.write_bytes(profile_page(number, "Researcher 1").replace(b"## News", f"{marker}\n\n## News".encode()))
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "profilehost", "page", "publish",
                        "r00001", str(source)], cwd=REPO, env=env, check=True, capture_output=True)
        while marker.encode() not in opener.open(base + "/r00001/").read():
            pass
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()
    with temporary_instance() as instance:
        database_url = default_database(instance)
        env = bench_env(database_url, instance)
        app = bench_app(database_url, instance)
        prepare_schema(app, reset=database_url.endswith("bench.sqlite3"))
        populate(app, 10)
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"profilehost publish benchmark: {engine}, gunicorn 2 sync workers on loopback, "
              f"page of {len(profile_page(0, 'Researcher 0'))} bytes")
        with Server("wsgi:app", env, 2) as server:
            http = http_latencies(server.url, args.uploads)
            cli = cli_latencies(env, server.url, args.cli_runs, Path(instance))
        print(f"HTTP upload -> live:   {percentiles(http)}   (target p50 <= 50 ms)")
        print(f"CLI publish -> live:   {percentiles(cli)}   (includes starting a Python process)")
        print(f"vs local jekyll build ({JEKYLL_LOCAL_BUILD_S * 1000:.0f} ms): "
              f"{JEKYLL_LOCAL_BUILD_S / statistics.median(http):.1f}x faster over HTTP")


if __name__ == "__main__":
    main()
