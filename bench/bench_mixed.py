"""Mixed load: p99 at a steady arrival rate of signed-in staff requests (goal: p99 ≤ 50 ms at 200 req/s).

    python bench/bench_mixed.py [--pg] [--rate 200] [--seconds 30] [--warmup 5]
    python bench/bench_mixed.py --profile search [--requests 300] [--profile-dump FILE]   # cProfile one kind
    python bench/bench_mixed.py --profile search --timing   # the same requests timed, no profiler

A fresh SQLite database (with --pg also a throw-away PostgreSQL server,
tests/pg_server.py) made with `cs-handbook init --demo` (default content
and demo accounts); cs_handbook on production.ini's waitress settings in
one process pinned to core 0. The demo staff sign in through the form and
each starts the `role-cs-agent` quiz; then an open-loop generator
(bench/load.py, pinned to core 1) sends requests due at a fixed rate, the
kind of each drawn from the mix in `load.MIX` — home, handbook pages,
Chinese search, my onboarding, today's drill, quiz autosave (JSON POST
with the CSRF header), the manager's team dashboard, the sign-in page.
Latency runs from each request's due time, so a stall is not hidden.

Prints JSON: achieved rate, p50/p95/p99/max per kind and overall, errors
(status not 2xx/3xx, or no answer within 30 s), and the bare hello app's
figures at the same rate from the same run (the reference: what the
machine, waitress and the generator cost on their own).

--profile KIND runs no server: it builds the app in this process against a
fresh SQLite database and prints cProfile's top functions over
--requests requests of that kind (cumulative time), to find what a slow
kind spends its time on.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, load  # noqa: E402

GOAL_P99_MS = 50.0


def measure_site(name: str, url: str, workdir: Path, args) -> dict:
    with load.start_site(workdir, url) as server:
        plan, sessions = load.mixed_plan(server.port, args.rate, args.seconds)
        for session in sessions:
            session.close()
        load.run_open_loop({**plan, "seconds": args.warmup})
        result = load.run_open_loop(plan)
    result.pop("windows")
    return {"backend": name, "pages": plan["pages"], **result}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also measure on a throw-away PostgreSQL server")
    parser.add_argument("--rate", type=float, default=load.RATE, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds at the same rate before measuring")
    parser.add_argument("--profile", choices=sorted(load.MIX), help="cProfile one kind in process instead")
    parser.add_argument("--requests", type=int, default=300, help="requests profiled with --profile")
    parser.add_argument("--profile-dump", help="with --profile, also write the raw profile to this file")
    parser.add_argument("--timing", action="store_true",
                        help="with --profile, only time the requests inside the app (no cProfile overhead)")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                        help="with --profile, an app setting (cs_handbook.page_cache_size=0: the uncached page)")
    args = parser.parse_args(argv)
    common.raise_fd_limit()
    if args.profile:
        from bench.profile_kind import profile

        print(profile(args.profile, args.requests, args.profile_dump,
                      dict(item.split("=", 1) for item in args.setting), timing_only=args.timing))
        return 0

    port = common.free_port()
    with common.ServerProcess(common.waitress_argv("bench.hello:app", port), port) as bare_server:
        bare_server.wait_ready("/")
        plan = load.hello_plan(port, args.rate, args.seconds)
        load.run_open_loop({**plan, "seconds": args.warmup})
        bare = load.run_open_loop(plan)
    bare.pop("windows")

    pg = None
    if args.pg:
        from tests.pg_server import PostgresServer

        pg = PostgresServer()
        pg.start()
    results = {"pinning": "server on core 0, load generator on core 1", "rate": args.rate,
               "seconds": args.seconds, "warmup_s": args.warmup, "goal_p99_ms": GOAL_P99_MS,
               "mix_weights": load.MIX, "bare_hello": bare, "backends": []}
    try:
        with tempfile.TemporaryDirectory(prefix="cs_handbook_bench_mixed_") as tmp:
            backends = [("sqlite", f"sqlite:///{tmp}/mixed.sqlite")]
            if pg is not None:
                backends.append(("postgresql", pg.create_database("mixed")))
            for name, url in backends:
                site = measure_site(name, url, Path(tmp), args)
                site["p99_vs_bare"] = round(site["overall"]["p99_ms"] / bare["overall"]["p99_ms"], 1)
                site["meets_goal"] = (site["overall"]["p99_ms"] <= GOAL_P99_MS and not site["errors"]
                                      and not site["not_sent"])
                results["backends"].append(site)
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
