"""nginx in front of the app with deploy/nginx-profilehost.conf, adapted to loopback.

Used by bench/serve.py and by the takedown tests (tests/security/test_takedown_nginx.py), which load this file by
its path: so it imports nothing but the standard library.

The site file is used as shipped, with only what cannot work here replaced (TLS, the port, the cache and
static paths). For the benchmark, beside it, a second server serves the page's bytes as a static file: the
yardstick. It serves them twice: as a bare file (static_url), and with the headers the app sends beside the body
(same_response_url), so that the response on the wire is the same as through the cache and the difference left is
the cache's own.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "deploy" / "nginx-profilehost.conf"
MAIN = """worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
user root;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; text/css css; application/javascript js; }}
{site}
{extra_servers}
}}
"""
YARDSTICK = """    server {{
        listen 127.0.0.1:{static_port};
        root {static_root};
        location /same-response/ {{
            alias {static_root}/;
{same_headers}
        }}
    }}"""


# What nginx adds itself (or the file has of its own) is not copied from the app's response.
OWN_HEADERS = {"date", "server", "connection", "content-length", "content-type", "etag", "last-modified",
               "accept-ranges", "transfer-encoding"}


def same_headers(app_headers: dict) -> str:
    lines = [f'            add_header {name} "{value.replace(chr(34), "")}";' for name, value in app_headers.items()
             if name.lower() not in OWN_HEADERS]
    return "\n".join(lines)


def executable() -> str | None:
    # Debian installs nginx in /usr/sbin, which an unprivileged user's PATH may lack.
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def available() -> bool:
    return executable() is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def adapted_site(tmp: Path, app_port: int, port: int, *, cache_status: bool = False) -> str:
    """The shipped site on 127.0.0.1:port without TLS; `cache_status` adds the X-Cache-Status header (HIT, MISS,
    EXPIRED...) the shipped file has commented out."""
    site = SITE.read_text()
    replacements = [
        (r"proxy_cache_path /var/cache/nginx/profilehost", f"proxy_cache_path {tmp}/cache"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{app_port};"),
        (r"server \{\n    listen 80;.*?\n\}\n", ""),
        (r"listen 443 ssl;", f"listen 127.0.0.1:{port};"),
        (r"\n    http2 on;", ""),
        (r"\n    ssl_certificate[^\n]*", ""),
        (r"alias /srv/profilehost/profilehost/static/;", f"alias {REPO}/profilehost/static/;"),
    ]
    if cache_status:
        replacements.append((r"# (add_header X-Cache-Status \$upstream_cache_status always;)", r"\1"))
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site, flags=re.S)
        if count == 0:
            raise RuntimeError(f"{SITE.name} changed: '{pattern}' no longer matches; update bench/nginx.py")
    return site


def main_config(tmp: Path, site: str, extra_servers: str = "") -> str:
    return MAIN.format(tmp=tmp, site=site, extra_servers=extra_servers)


class NginxProcess:
    """nginx run in the foreground with the configuration `conf`, its files in tmp; ready once it accepts
    connections on `port`; stopped on exit."""

    def __init__(self, tmp: Path, conf: str, port: int) -> None:
        path = tmp / "nginx.conf"
        path.write_text(conf)
        self.log = tmp / "error.log"
        self.process = subprocess.Popen([executable(), "-p", str(tmp), "-c", str(path), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait(port)

    def _wait(self, port: int) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        if self.process.poll() is None:
            self.process.terminate()
        _out, errors = self.process.communicate(timeout=10)
        log = self.log.read_text()[-2000:] if self.log.exists() else ""
        raise RuntimeError(f"nginx did not start: {errors[-2000:]!r} {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stderr.close()

    def __enter__(self) -> NginxProcess:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


class Nginx(NginxProcess):
    """nginx proxying to the app on app_port (url) and serving page_file statically (static_url), and again with
    the app's headers (same_response_url)."""

    def __init__(self, tmp: Path, app_port: int, page_file: Path, app_headers: dict) -> None:
        port, static_port = free_port(), free_port()
        static_root = tmp / "static"
        static_root.mkdir()
        shutil.copy(page_file, static_root / "page.html")
        yardstick = YARDSTICK.format(static_port=static_port, static_root=static_root,
                                     same_headers=same_headers(app_headers))
        self.url = f"http://127.0.0.1:{port}"
        self.static_url = f"http://127.0.0.1:{static_port}/page.html"
        self.same_response_url = f"http://127.0.0.1:{static_port}/same-response/page.html"
        super().__init__(tmp, main_config(tmp, adapted_site(tmp, app_port, port), yardstick), port)
