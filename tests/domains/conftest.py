"""Real servers for researchers' domains: dnsmasq answering DNS on a loopback port (the app's
PROFILEHOST_DNS_RESOLVER), the app on the site's own name, a helper that verifies a domain through DNS, and
Caddy running the shipped deploy/Caddyfile in front of the app served by Werkzeug.

Skipped, saying why, when a server is not installed on a developer's machine; in CI (CI=true) a missing one
fails instead, because .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import dns.exception
import dns.resolver
import pytest

from profilehost.domains import service
from support import free_port, served_in_a_thread

DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
SITE = "localhost"  # the site's own name: the test client's default host
TARGET = "pages.example.org"  # what a domain's CNAME names (PROFILEHOST_DOMAIN_TARGET)
ADDRESS = "192.0.2.10"  # what an apex's A record names (PROFILEHOST_DOMAIN_ADDRESSES)


def require(program: str, path: str | None, package: str) -> str:
    if path and Path(path).exists():
        return path
    why = f"{program} is not installed (apt-get install -y {package}): the custom-domain tests need it"
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI installs it: see .ci/run)")
    pytest.skip(why)


class Dnsmasq:
    """One dnsmasq on a fixed loopback port, started again with new records whenever a test changes them."""

    def __init__(self, program: str, folder: Path) -> None:
        self.program = program
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def serve(self, *, txt: dict[str, str] = {}, cname: dict[str, str] = {}, a: dict[str, str] = {}) -> None:  # noqa: B006
        """Answer exactly these records (and refuse everything else: no upstream, no hosts file)."""
        self.stop()
        options = [f"--txt-record={name},{value}" for name, value in txt.items()]
        options += [f"--cname={name},{target}" for name, target in cname.items()]
        # dnsmasq answers a CNAME only when it knows the target's address itself.
        options += [f"--host-record={name},{address}" for name, address in {TARGET: "192.0.2.1", **a}.items()]
        self.process = subprocess.Popen(
            [self.program, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-daemon", "--conf-file=/dev/null",
             "--bind-interfaces", "--listen-address=127.0.0.1", f"--port={self.port}", "--user=",
             f"--pid-file={self.folder / 'dnsmasq.pid'}",
             # Names it has no record of do not exist (NXDOMAIN), as on the Internet, rather than being refused.
             "--local=/org/", "--local=/net/", *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        asker = dns.resolver.Resolver(configure=False)
        asker.nameservers, asker.port, asker.lifetime = ["127.0.0.1"], self.port, 0.5
        for _ in range(50):
            try:
                asker.resolve(TARGET, "A")
                return
            except dns.exception.DNSException:
                if self.process.poll() is not None:
                    raise RuntimeError(f"dnsmasq stopped: {self.process.stderr.read().decode()}") from None
                time.sleep(0.1)
        raise RuntimeError("dnsmasq did not answer within 5 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)
        if self.process is not None:
            self.process.stderr.close()
        self.process = None


@pytest.fixture
def dnsmasq(tmp_path):
    server = Dnsmasq(require("dnsmasq", DNSMASQ, "dnsmasq"), tmp_path)
    yield server
    server.stop()


@pytest.fixture
def domain_settings(dnsmasq) -> dict:
    """The site's names, its content target and the test's DNS server."""
    return {"SERVER_NAMES": (SITE,), "DOMAIN_TARGET": TARGET, "DOMAIN_ADDRESSES": (ADDRESS,),
            "DNS_RESOLVER": ("127.0.0.1", dnsmasq.port)}


@pytest.fixture
def app(make_app, domain_settings):
    app = make_app(**domain_settings)
    with app.app_context():
        yield app


@pytest.fixture
def server(make_app, domain_settings):
    return make_app(**domain_settings)


@pytest.fixture
def verify(dnsmasq, app):
    """Adds `name` to the tenant's domains and makes DNS say it is theirs and points here; checks it."""

    def add_and_verify(tenant, name: str):
        domain = service.add_domain(tenant, name)
        dnsmasq.serve(txt={f"_profilehost.{domain.name}": domain.token}, cname={domain.name: TARGET})
        service.check_domain(domain)
        assert domain.verified_at is not None, domain.problem
        return domain

    return add_and_verify


CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"


@pytest.fixture
def app_port(make_app, domain_settings):
    """The app as it runs behind Caddy (trusting one proxy), served by Werkzeug in a thread."""
    with served_in_a_thread(make_app(**domain_settings, TRUST_PROXY=1)) as port:
        yield port


@pytest.fixture
def caddy(tmp_path, app_port):
    program = require("caddy", shutil.which("caddy"), "caddy")
    https_port = free_port()
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "CADDY_HTTP_PORT": str(free_port()),
           "CADDY_HTTPS_PORT": str(https_port), "CADDY_UPSTREAM": f"127.0.0.1:{app_port}",
           "CADDY_ISSUER": "internal", "CADDY_EXTRA_OPTIONS": "skip_install_trust"}
    log = (tmp_path / "caddy.log").open("wb")
    process = subprocess.Popen([program, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(https_port, process, tmp_path / "caddy.log")
        yield CaddyServer(https_port, tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt")
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"caddy stopped:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"caddy did not listen within 10 s:\n{log.read_text()}")


class CaddyServer:
    def __init__(self, port: int, root_certificate: Path) -> None:
        self.port = port
        self.root_certificate = root_certificate

    def get(self, name: str, path: str = "/") -> tuple[int, dict[str, str], str]:
        """GET over TLS with `name` as SNI and Host, trusting only Caddy's own CA: a certificate for another name
        or none at all fails the handshake (ssl.SSLError)."""
        context = ssl.create_default_context(cafile=str(self.root_certificate)) if self.root_certificate.exists() \
            else ssl.create_default_context()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=name) as tls:
                tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
                answer = b""
                while chunk := tls.recv(65536):
                    answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines}
        return int(status_line.split()[1]), headers, body.decode("utf-8", "replace")
