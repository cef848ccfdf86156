"""Shared benchmark machinery: pinned server processes and a bounded keep-alive load generator.

The server under test runs in its own process pinned to core 0
(`taskset -c 0`); the load generator runs in another process pinned to
core 1, so the two never compete for a core. Each measurement warms up,
then runs RUNS x DURATION seconds; every figure is reported next to the bare
hello-world app measured in the same run, as a ratio, because absolute
numbers depend on the machine and ratios much less.

The load generator is this module itself (`python -m bench.common load ...`):
threads, each with one keep-alive `http.client` connection, bounded both by
time and by a request cap.
"""

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http import client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNS = 3
DURATION = 10.0
WARMUP = 3.0
CONNECTIONS = 8
MAX_REQUESTS = 200_000
# The same waitress settings for the bare app and for cs_handbook.
WAITRESS = {"threads": "8", "connection_limit": "2000", "channel_timeout": "20", "backlog": "2048",
            "asyncore_use_poll": "true"}


def raise_fd_limit(wanted: int = 8192) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def database_beside_server(pg, this_process: bool = False):
    """PostgreSQL (tests/pg_server.PostgresServer, or None) on the server's core 0 for the block, and
    this process too if it is the one timing the app in process.

    For latency timed in process, one request after another: on this VM each round trip to a
    backend on the other, idle vCPU waits about 1 ms for it to wake, which is neither the app's
    work nor the database's. Not for throughput under load: with the backends and waitress's
    threads sharing one core, a cached page fell from 0.19 to 0.14 of the bare app and an
    uncached one from 0.035 to 0.016 (one run, 2026-12-07).
    """
    saved = os.sched_getaffinity(0)
    if this_process:
        os.sched_setaffinity(0, {0})
    if pg is not None:
        pg.pin({0})
    try:
        yield
    finally:
        if pg is not None:
            pg.pin(None)
        os.sched_setaffinity(0, saved)


def pinned(core: int, argv: list[str]) -> list[str]:
    """`argv` pinned to one core when taskset exists (util-linux)."""
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > core:
        return ["taskset", "-c", str(core), *argv]
    return argv


def wait_for(url: str, timeout: float = 60.0) -> float:
    """Poll `url` until it answers 200; return the seconds it took."""
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


class ServerProcess:
    """A server process pinned to core 0, stopped on exit."""

    def __init__(self, argv: list[str], port: int, env: dict | None = None, core: int = 0):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.started = time.perf_counter()
        # A file, not a pipe: a chatty server must never block on a full pipe.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 - our own argv
            pinned(core, argv), cwd=ROOT, env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL, stderr=self.log, preexec_fn=raise_fd_limit)

    def wait_ready(self, path: str = "/healthz", timeout: float = 60.0) -> float:
        """Seconds from process start to the first 200 on `path`."""
        try:
            wait_for(self.url + path, timeout)
        except RuntimeError:
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"server failed: {self.log.read().decode()[-2000:]}") from None
        return time.perf_counter() - self.started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def settle_database(engine) -> None:
    """Bring freshly loaded tables to rest, as a live database's autovacuum would have.

    ANALYZE on SQLite; VACUUM ANALYZE on PostgreSQL, where without it the
    visibility map is empty (every index-only scan reads the heap) and
    autovacuum starts on the fresh tables while a benchmark measures.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def waitress_argv(app_spec: str, port: int, settings: dict | None = None) -> list[str]:
    """waitress-serve for a `module:callable` app with the given settings."""
    options = [f"--{k.replace('_', '-')}={v}" for k, v in (settings or WAITRESS).items() if k != "asyncore_use_poll"]
    if (settings or WAITRESS).get("asyncore_use_poll") == "true":
        options.append("--asyncore-use-poll")
    return [PYTHON, "-m", "waitress", f"--listen=127.0.0.1:{port}", *options, app_spec]


# -- the load generator (runs in its own process, pinned to core 1) -----------------------------

def _worker(port, path, headers, stop_at, cap, latencies, lock, counters):
    conn = client.HTTPConnection("127.0.0.1", port, timeout=10)
    local = []
    errors = 0
    while time.perf_counter() < stop_at:
        with lock:
            if counters["sent"] >= cap:
                break
            counters["sent"] += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = client.HTTPConnection("127.0.0.1", port, timeout=10)
        except (OSError, client.HTTPException):
            errors += 1
            conn.close()
            conn = client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        local.append(time.perf_counter() - began)
    conn.close()
    with lock:
        latencies.extend(local)
        counters["errors"] += errors


def load(port: int, path: str, seconds: float, connections: int = CONNECTIONS, cap: int = MAX_REQUESTS,
         cookie: str = "") -> dict:
    """Run the load in this process; returns req/s, p50 and p99 (ms) and the error count."""
    headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "zh-CN"}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    counters = {"sent": 0, "errors": 0}
    lock = threading.Lock()
    start = time.perf_counter()
    stop_at = start + seconds
    threads = [threading.Thread(target=_worker, args=(port, path, headers, stop_at, cap, latencies, lock, counters))
               for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": counters["errors"],
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
    }


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(port: int, path: str, seconds: float, cookie: str = "") -> dict:
    """The load generator in its own process pinned to core 1."""
    argv = pinned(1, [PYTHON, "-m", "bench.common", "load", str(port), path, str(seconds), cookie])
    output = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True,  # noqa: S603
                            timeout=seconds + 120).stdout
    return json.loads(output)


def measure(port: int, path: str, cookie: str = "", runs: int = RUNS, duration: float = DURATION,
            warmup: float = WARMUP) -> dict:
    """Warm up, then `runs` x `duration` seconds; the median run's figures plus every run."""
    run_load(port, path, warmup, cookie)
    results = [run_load(port, path, duration, cookie) for _ in range(runs)]
    if any(r["errors"] or not r["requests"] for r in results):
        raise RuntimeError(f"{path}: failed requests during the benchmark: {results}")
    return {
        "req_per_s": statistics.median(r["req_per_s"] for r in results),
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p99_ms": statistics.median(r["p99_ms"] for r in results),
        "runs": results,
    }


def ratios(measured: dict, bare: dict) -> dict:
    """How the page compares with the bare app: throughput share, latency multiples."""
    return {
        "req_per_s_vs_bare": round(measured["req_per_s"] / bare["req_per_s"], 3),
        "p50_vs_bare": round(measured["p50_ms"] / bare["p50_ms"], 2),
        "p99_vs_bare": round(measured["p99_ms"] / bare["p99_ms"], 2),
    }


def measure_bare(settings: dict | None = None) -> dict:
    port = free_port()
    with ServerProcess(waitress_argv("bench.hello:app", port, settings), port) as server:
        server.wait_ready("/")
        return measure(port, "/")


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "load":
        raise_fd_limit()
        _port, _path, _seconds = int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
        _cookie = sys.argv[5] if len(sys.argv) > 5 else ""
        print(json.dumps(load(_port, _path, _seconds, cookie=_cookie)))
    else:
        sys.exit("usage: python -m bench.common load PORT PATH SECONDS [COOKIE]")
