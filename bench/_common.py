"""What the benchmarks share: a database filled fast, servers on loopback, and a bounded load generator."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str, instance: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEHOST_")}
    env.update(PROFILEHOST_DATABASE_URL=database_url, PROFILEHOST_INSTANCE_PATH=instance,
               PROFILEHOST_SECRET_KEY="benchmark-only-secret")
    return env


def default_database(instance: str) -> str:
    return os.environ.get("PROFILEHOST_DATABASE_URL") or f"sqlite:///{instance}/bench.sqlite3"


class Server:
    """A gunicorn on loopback, stopped on exit."""

    def __init__(self, app: str, env: dict, workers: int = 2, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", "sync",
             "--log-level", "warning", *extra, app],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.process.stderr.read(2000)!r}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def load(url: str, *, seconds: float, connections: int, headers: dict | None = None) -> dict:
    """requests/s and latency percentiles (ms), from wrk when installed, else from a Python generator."""
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections, headers or {})
    return _python_load(url, seconds, connections, headers or {})


def _wrk(url: str, seconds: float, connections: int, headers: dict) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {p: _ms(re.search(rf"^\s+{p}%\s+([\d.]+\w+)", output, re.M).group(1)) for p in (50, 99)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"tool": "wrk", "rps": rps, "p50": percentiles[50], "p99": percentiles[99],
            "errors": int(non_2xx.group(1)) if non_2xx else 0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python_load(url: str, seconds: float, connections: int, headers: dict) -> dict:
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        connection = HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", "/" + path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status >= 400:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"tool": "python", "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1], "errors": errors[0]}


def temporary_instance() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="profilehost-bench-")
