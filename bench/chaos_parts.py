"""The parts bench/chaos.py breaks on purpose: a private PostgreSQL cluster and a private Redis (never the shared
ones), gunicorn that can be killed and started again on the same port, and an HTTP client that reports a refused
connection or a timeout as an answer instead of raising."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path

from _common import GUNICORN, REPO, free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HOUSE_ERROR_PAGE = b'class="status-code"'


def _as_postgres() -> list[str]:
    # initdb refuses to run as root; the cluster's files then belong to the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PrivatePostgres:
    """A throw-away cluster in `folder` on a free loopback port: stopped, crashed and restarted at will."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data, self.port = folder, folder / "data", free_port()
        self.log = folder / "postgres.log"
        folder.mkdir()
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)
        done = subprocess.run([*_as_postgres(), str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                               "postgres", "--no-sync"], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr[-500:]}")
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c max_connections=200"
        for _attempt in range(20):  # after a kill -9 the old backends may still hold the shared memory a moment
            done = subprocess.run([*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l",
                                   str(self.log), "-o", options, "-w", "-t", "30", "start"], capture_output=True)
            if done.returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError(f"private PostgreSQL did not start: {self.log.read_text()[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
                       capture_output=True)

    def postmaster_pid(self) -> int | None:
        pid_file = self.data / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None

    def crash(self) -> None:
        """kill -9 of the postmaster, as the OOM killer does it; its backends then end on their own."""
        pid = self.postmaster_pid()
        if pid:
            os.kill(pid, signal.SIGKILL)

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database,
                             autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, name: str, settings: dict | None = None) -> str:
        self.sql(f'CREATE DATABASE "{name}"')
        for key, value in (settings or {}).items():
            self.sql(f"ALTER DATABASE \"{name}\" SET {key} = '{value}'")
        return self.url(name)

    def close(self) -> None:
        self.stop("immediate")


class PrivateRedis:
    """redis-server on a free loopback port, nothing saved to disk."""

    def __init__(self, folder: Path) -> None:
        self.port, self.folder, self.process = free_port(), folder, None
        folder.mkdir()
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    close = stop


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {seconds:.0f} s")


class Gunicorn:
    """gunicorn on a loopback port (the same one again after a restart), its log in a file: a pipe nobody reads
    would fill up with the tracebacks this benchmark provokes and stall the workers."""

    def __init__(self, env: dict, folder: Path, workers: int = 4, port: int | None = None) -> None:
        self.env, self.folder, self.workers = env, folder, workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class",
                 "sync", "--timeout", "30", "--log-level", "warning", "wsgi:app"],
                cwd=REPO, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if request("GET", self.url + "/robots.txt", timeout=2).status == 200:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True,
                               text=True).stdout
        return [int(pid) for pid in found.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_lines(self, word: str) -> int:
        return sum(word in line for line in self.log.read_text(errors="replace").splitlines())


class Worker:
    """A background process the app needs besides gunicorn (the job queue's consumer), if it has one."""

    def __init__(self, command: list[str] | None, env: dict, folder: Path) -> None:
        self.process = None
        if command:
            with open(folder / "worker.log", "ab") as log:
                self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Answer:
    status: int | str  # an HTTP status, or "refused", "reset", "timeout" when there was none
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return isinstance(self.status, int) and self.status < 400

    @property
    def house_page(self) -> bool:
        """A 5xx the app answered itself (its error page, or JSON under /api), not a bare server page."""
        return HOUSE_ERROR_PAGE in self.body or self.body.startswith(b"{")


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> Answer:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    started = time.monotonic()
    connection = HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, "/" + path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()},
                      time.monotonic() - started)
    except ConnectionRefusedError:
        return Answer("refused", seconds=time.monotonic() - started)
    except TimeoutError:
        return Answer("timeout", seconds=time.monotonic() - started)
    except (ConnectionError, HTTPException, OSError):
        return Answer("reset", seconds=time.monotonic() - started)
    finally:
        connection.close()


class Tally:
    """Answers by status, counted from many threads; 5xx split into the house page and bare ones."""

    def __init__(self) -> None:
        self.codes: Counter = Counter()
        self.bare_5xx = 0
        self.retry_after_503 = 0
        self.lock = threading.Lock()

    def add(self, answer: Answer) -> Answer:
        with self.lock:
            self.codes[answer.status] += 1
            if isinstance(answer.status, int) and answer.status >= 500 and not answer.house_page:
                self.bare_5xx += 1
            if answer.status == 503 and "retry-after" in answer.headers:
                self.retry_after_503 += 1
        return answer

    def __str__(self) -> str:
        text = " ".join(f"{code}:{count}" for code, count in sorted(self.codes.items(), key=lambda kv: str(kv[0])))
        return text or "-"


class Browser:
    """One visitor: cookies, a CSRF token taken from the last form, an address of its own (X-Forwarded-For, the
    app trusting one proxy) so per-address limits count visitors, not the benchmark."""

    def __init__(self, base: str, tally: Tally | None = None) -> None:
        self.base, self.tally = base, tally
        self.cookies: dict[str, str] = {}
        number = uuid.uuid4().int
        self.address = f"10.{number % 250}.{(number >> 8) % 250}.{(number >> 16) % 250 + 1}"

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             timeout: float = 30) -> Answer:
        sent = {"X-Forwarded-For": self.address, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = request(method, self.base + path, body, sent, timeout)
        for name, value in answer.headers.items():
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                self.cookies[pair.split("=", 1)[0]] = pair.split("=", 1)[1]
        if self.tally is not None:
            self.tally.add(answer)
        return answer

    def form_token(self, path: str) -> str | None:
        match = TOKEN.search(self.call("GET", path).body.decode(errors="replace"))
        return match.group(1) if match else None

    def post_form(self, path: str, fields: dict, token: str | None = None) -> Answer:
        token = token or self.form_token(path) or ""
        body = "&".join(f"{name}={_quote(value)}" for name, value in {"csrf_token": token, **fields}.items())
        return self.call("POST", path, body.encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def post_files(self, path: str, field_name: str, files: list[tuple[str, bytes]], token: str | None = None,
                   timeout: float = 30, form_path: str | None = None) -> Answer:
        token = token or self.form_token(form_path or path) or ""
        body, content_type = multipart(token, field_name, files)
        return self.call("POST", path, body, {"Content-Type": content_type}, timeout=timeout)

    def log_in(self, username: str, password: str) -> Answer:
        return self.post_form("/login", {"username": username, "password": password})


def _quote(value: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(value)


def multipart(token: str, field_name: str, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n".encode()]
    for filename, content in files:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; "
                     f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
