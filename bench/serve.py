"""Public page views under gunicorn, against a bare Flask view returning the same bytes.

    .venv/bin/python bench/serve.py [--tenants 10000] [--seconds 10] [--connections 16] [--workers 2]
                                    [--rounds 3] [--reset] [--via-nginx]

Uses PROFILEHOST_DATABASE_URL when set (an EMPTY database, or --reset to empty it), else a temporary SQLite
file. Prints requests/s and p50/p99 latency for (a) a public page, (b) the bare view, (c) a 304 revalidation,
then (a) again with --tenants tenants, and the ratios the targets are about. With --via-nginx (nginx installed),
also (d) the page through nginx with deploy/nginx-profilehost.conf, (e) nginx serving the same bytes as a
static file and (f) the same again with the app's headers (so the same response on the wire). Asserts nothing.

With --fast-path, only (a) and (c) with and without the middleware that answers cached pages before Flask
(profilehost.public.fast_path), the app otherwise the same: whether that middleware earns its place.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nginx  # noqa: E402

from _common import REPO, Server, bench_env, default_database, load, temporary_instance  # noqa: E402
from populate import bench_app, populate, prepare_schema  # noqa: E402

PAGE = "/r00000/"


def fetch(url: str, headers: dict | None = None) -> tuple[bytes, dict]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as response:
        return response.read(), dict(response.headers)


def measure(label: str, url: str, args, headers: dict | None = None) -> dict:
    # A second of warm-up first, not counted: every worker has compiled its templates, opened its connections
    # and filled its cache, so the figures are the steady state on both sides of every ratio.
    load(url, seconds=1, connections=args.connections, headers=headers)
    result = load(url, seconds=args.seconds, connections=args.connections, headers=headers)
    print(f"{label:<44} {result['rps']:>9.0f} {result['p50']:>8.2f} {result['p99']:>8.2f} {result['errors']:>6}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs of each side of a ratio; the medians count")
    parser.add_argument("--reset", action="store_true", help="empty the benchmark database first")
    parser.add_argument("--via-nginx", action="store_true", help="also measure through nginx (deploy/)")
    parser.add_argument("--fast-path", action="store_true",
                        help="only the page and its 304 with and without the fast-path middleware")
    args = parser.parse_args()
    with temporary_instance() as instance:
        database_url = default_database(instance)
        env = bench_env(database_url, instance)
        app = bench_app(database_url, instance)
        prepare_schema(app, reset=args.reset or database_url.endswith("bench.sqlite3"))
        populate(app, 10)
        _header(database_url, args)
        if args.fast_path:
            _compare_fast_path(env, args)
            return
        with Server("wsgi:app", env, args.workers) as server:
            body, headers = fetch(server.url + PAGE)
            page_file = Path(instance) / "page.html"
            page_file.write_bytes(body)
            print(f"page: {PAGE} ({len(body)} bytes)\n")
            print(f"{'':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
            with Server("bare_app:app", {**env, "BENCH_PAGE_FILE": str(page_file),
                                         "PYTHONPATH": str(REPO / "bench")}, args.workers) as bare:
                small, baseline = alternate(args, ("(a) public page, 10 tenants", server.url + PAGE),
                                            ("(b) bare Flask view, same bytes", bare.url + "/page"))
                revalidate = measure("(c) 304 revalidation (If-None-Match)", server.url + PAGE, args,
                                     {"If-None-Match": headers["ETag"]})
                server.stop()  # a fresh server for the larger site: nothing cached from the first phase
                populate(app, args.tenants)
                with Server("wsgi:app", env, args.workers) as large_site:
                    large, baseline_again = alternate(
                        args, (f"(a) public page, {args.tenants} tenants", large_site.url + PAGE),
                        ("(b) bare Flask view, same bytes", bare.url + "/page"))
                    last = f"/r{args.tenants - 1:05d}/"
                    measure(f"    the last of {args.tenants} tenants", large_site.url + last, args)
                    proxied = _via_nginx(large_site, Path(instance), page_file, args) if args.via_nginx else None
        print()
        print(f"(a)/(b) with 10 tenants:            {small['rps'] / baseline['rps']:.2f}   (target >= 0.8)")
        print(f"(a)/(b) with {args.tenants} tenants: {large['rps'] / baseline_again['rps']:>9.2f}   (target >= 0.8)")
        print(f"p99 {args.tenants} tenants / p99 10 tenants:  {large['p99'] / small['p99']:.2f}   (target <= 1.2)")
        print(f"304 revalidation / full page:       {revalidate['rps'] / small['rps']:.2f}")
        if proxied:
            print(f"(d)/(e) through nginx / static:     {proxied[0]['rps'] / proxied[1]['rps']:.2f}   "
                  "(target >= 0.9)")
            print(f"(d)/(f) the same response, static:  {proxied[0]['rps'] / proxied[2]['rps']:.2f}   "
                  "(the price of nginx's cache itself)")
        print(f"(each side of a ratio: the median of {args.rounds} alternating runs)")


def alternate(args, first: tuple[str, str], *others: tuple[str, str]) -> list[dict]:
    """The sides of a ratio, run in turn `args.rounds` times: the median run of each, first side first.

    Server and load generator share two cores, so a single pair of runs can swing by 20% either way;
    alternating them and taking medians keeps one unlucky run from deciding the ratio."""
    rounds = [[measure(*side, args) for side in (first, *others)] for _ in range(args.rounds)]
    for index, (label, _url) in enumerate(others, start=1):
        ratios = sorted(runs[0]["rps"] / runs[index]["rps"] for runs in rounds)
        print(f"{'    ratio per round' + (f' to {label[:3]}' if others[1:] else '') + ':':<44} "
              f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}")
    return [_median_run([runs[index] for runs in rounds]) for index in range(len(others) + 1)]


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def _via_nginx(server: Server, instance: Path, page_file: Path, args) -> list[dict] | None:
    if not nginx.available():
        print("(d), (e), (f): nginx is not installed (apt-get install -y nginx-light); skipped")
        return None
    folder = instance / "nginx"
    folder.mkdir()
    _body, app_headers = fetch(server.url + PAGE)
    with nginx.Nginx(folder, server.port, page_file, app_headers) as proxy:
        fetch(proxy.url + PAGE)
        return alternate(args, ("(d) public page through nginx", proxy.url + PAGE),
                         ("(e) nginx, the same bytes as a static file", proxy.static_url),
                         ("(f) nginx, (e) with the app's headers", proxy.same_response_url))


def _compare_fast_path(env: dict, args) -> None:
    without = {**env, "PYTHONPATH": str(REPO / "bench")}
    with Server("wsgi:app", env, args.workers) as server, \
            Server("serve:app_without_fast_path()", without, args.workers) as plain:
        _body, headers = fetch(server.url + PAGE)
        print(f"{'':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        page, page_plain = alternate(args, ("(a) public page, fast path", server.url + PAGE),
                                     ("(a) public page, Flask only", plain.url + PAGE))
        etag = {"If-None-Match": headers["ETag"]}
        rounds = [[measure("(c) 304, fast path", server.url + PAGE, args, etag),
                   measure("(c) 304, Flask only", plain.url + PAGE, args, etag)] for _ in range(args.rounds)]
        revalidate, revalidate_plain = (_median_run([runs[index] for runs in rounds]) for index in (0, 1))
    print()
    print(f"page: fast path / Flask only:  {page['rps'] / page_plain['rps']:.2f}  "
          f"(p50 {page['p50']:.2f} / {page_plain['p50']:.2f} ms)")
    print(f"304:  fast path / Flask only:  {revalidate['rps'] / revalidate_plain['rps']:.2f}  "
          f"(p50 {revalidate['p50']:.2f} / {revalidate_plain['p50']:.2f} ms)")
    print(f"(each: the median of {args.rounds} alternating runs)")


def app_without_fast_path():
    """The production app (wsgi.py) with the fast-path middleware taken out of its WSGI chain: for gunicorn,
    as serve:app_without_fast_path()."""
    from profilehost import create_app
    from profilehost.public.fast_path import PublicPageFastPath

    app = create_app()
    holder, name = app, "wsgi_app"
    while not isinstance(getattr(holder, name), PublicPageFastPath):
        holder = getattr(holder, name)
        name = "wsgi_app" if hasattr(holder, "wsgi_app") else "app"
    setattr(holder, name, getattr(holder, name).wsgi_app)
    return app


def _header(database_url: str, args) -> None:
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"profilehost serve benchmark: {engine}, gunicorn {args.workers} sync workers, "
          f"{args.connections} connections x {args.seconds:.0f}s per measurement")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
