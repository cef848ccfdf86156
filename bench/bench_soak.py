"""Soak: the mixed load for ten minutes while the server's memory is sampled (goal: no memory growth).

    python bench/bench_soak.py [--pg] [--minutes 10] [--rate 200] [--interval 10]

The site, its sessions and the load are bench_mixed.py's (bench/load.py):
a fresh database with the default content and demo accounts, the server
pinned to core 0 on production.ini's settings, the open-loop generator
pinned to core 1 sending the staff mix at a fixed rate. Every --interval
seconds the server process's resident memory (VmRSS in
/proc/<pid>/status) is sampled. The first WARMUP_S seconds fill the
caches that are meant to fill (templates, statements, the page cache);
growth is measured from the first sample at or after them to the last.

Prints JSON: the samples (seconds, MB), the growth after warm-up in MB
and %, the latency per minute (p50/p99 from due times), the requests
answered and failed, and a verdict: "no memory growth" when the growth
after warm-up is below GROWTH_PCT % or below GROWTH_MB MB.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, load  # noqa: E402

WARMUP_S = 120.0
GROWTH_PCT = 5.0
GROWTH_MB = 20.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def soak(name: str, url: str, workdir: Path, args) -> dict:
    seconds = args.minutes * 60
    with load.start_site(workdir, url) as server:
        plan, sessions = load.mixed_plan(server.port, args.rate, seconds)
        for session in sessions:
            session.close()
        pid = server.process.pid  # taskset execs the server: the same process
        samples = [(0.0, rss_mb(pid))]
        done = threading.Event()
        outcome: dict = {}

        def run():
            try:
                outcome["load"] = load.run_open_loop(plan)
            except Exception as error:  # noqa: BLE001 - reported with the samples
                outcome["error"] = repr(error)
            finally:
                done.set()

        started = time.perf_counter()
        threading.Thread(target=run, daemon=True).start()
        while not done.wait(args.interval):
            samples.append((round(time.perf_counter() - started, 1), rss_mb(pid)))
        samples.append((round(time.perf_counter() - started, 1), rss_mb(pid)))
    if "error" in outcome:
        raise RuntimeError(f"the load failed: {outcome['error']}")
    result = outcome["load"]
    after_warmup = next((mb for t, mb in samples if t >= WARMUP_S), samples[0][1])
    last = samples[-1][1]
    growth_mb = last - after_warmup
    growth_pct = 100 * growth_mb / after_warmup
    return {
        "backend": name,
        "minutes": args.minutes,
        "rate": args.rate,
        "achieved_rate": result["achieved_rate"],
        "answered_or_failed": result["answered_or_failed"],
        "not_sent": result["not_sent"],
        "errors": result["errors"],
        "error_detail": result["error_detail"],
        "overall": result["overall"],
        "per_minute": result["windows"],
        "rss_mb_samples": [[t, round(mb, 1)] for t, mb in samples],
        "rss_mb_start": round(samples[0][1], 1),
        "rss_mb_after_warmup": round(after_warmup, 1),
        "rss_mb_end": round(last, 1),
        "growth_after_warmup_mb": round(growth_mb, 1),
        "growth_after_warmup_pct": round(growth_pct, 1),
        "verdict": ("no memory growth" if growth_pct < GROWTH_PCT or growth_mb < GROWTH_MB else "memory grows")
        + f" (after {WARMUP_S:.0f} s of warm-up; pass if < {GROWTH_PCT:.0f} % or < {GROWTH_MB:.0f} MB)",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also soak on a throw-away PostgreSQL server")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=load.RATE, help="requests per second (default 200)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between memory samples")
    args = parser.parse_args(argv)
    if args.minutes * 60 <= WARMUP_S:
        parser.error(f"--minutes must be more than the {WARMUP_S / 60:.0f} minutes of warm-up")
    common.raise_fd_limit()
    pg = None
    if args.pg:
        from tests.pg_server import PostgresServer

        pg = PostgresServer()
        pg.start()
    results = {"pinning": "server on core 0, load generator on core 1", "mix_weights": load.MIX, "backends": []}
    try:
        with tempfile.TemporaryDirectory(prefix="cs_handbook_bench_soak_") as tmp:
            backends = [("sqlite", f"sqlite:///{tmp}/soak.sqlite")]
            if pg is not None:
                backends.append(("postgresql", pg.create_database("soak")))
            for name, url in backends:
                results["backends"].append(soak(name, url, Path(tmp), args))
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
