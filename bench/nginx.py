"""nginx in front of the app with deploy/nginx-profilehost.conf, adapted to loopback, for bench/serve.py.

The site file is used as shipped, with only what cannot work here replaced (TLS, the port, the cache and
static paths); beside it, a second server serves the page's bytes as a static file: the yardstick. It serves
them twice: as a bare file (static_url), and with the headers the app sends beside the body (same_response_url),
so that the response on the wire is the same as through the cache and the difference left is the cache's own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from _common import REPO, free_port

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
    server {{
        listen 127.0.0.1:{static_port};
        root {static_root};
        location /same-response/ {{
            alias {static_root}/;
{same_headers}
        }}
    }}
}}
"""


# What nginx adds itself (or the file has of its own) is not copied from the app's response.
OWN_HEADERS = {"date", "server", "connection", "content-length", "content-type", "etag", "last-modified",
               "accept-ranges", "transfer-encoding"}


def same_headers(app_headers: dict) -> str:
    lines = [f'            add_header {name} "{value.replace(chr(34), "")}";' for name, value in app_headers.items()
             if name.lower() not in OWN_HEADERS]
    return "\n".join(lines)


def available() -> bool:
    return shutil.which("nginx") is not None


def adapted_site(tmp: Path, app_port: int, port: int) -> str:
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
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site, flags=re.S)
        if count == 0:
            raise RuntimeError(f"{SITE.name} changed: '{pattern}' no longer matches; update bench/nginx.py")
    return site


class Nginx:
    """nginx proxying to the app on app_port (url) and serving page_file statically (static_url), and again with
    the app's headers (same_response_url)."""

    def __init__(self, tmp: Path, app_port: int, page_file: Path, app_headers: dict) -> None:
        port, static_port = free_port(), free_port()
        static_root = tmp / "static"
        static_root.mkdir()
        shutil.copy(page_file, static_root / "page.html")
        conf = tmp / "nginx.conf"
        conf.write_text(MAIN.format(tmp=tmp, site=adapted_site(tmp, app_port, port), static_port=static_port,
                                    static_root=static_root, same_headers=same_headers(app_headers)))
        self.url = f"http://127.0.0.1:{port}"
        self.static_url = f"http://127.0.0.1:{static_port}/page.html"
        self.same_response_url = f"http://127.0.0.1:{static_port}/same-response/page.html"
        self.process = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.static_url, timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {self.process.stderr.read(2000)!r}")

    def __enter__(self) -> Nginx:
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
