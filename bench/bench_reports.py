"""Benchmark: team dashboard p95 and the org report from roll-ups, at benchmark scale.

Targets (issue 7): team dashboard p95 ≤ 20 ms server-side at 1,000,000
answers on SQLite and PostgreSQL; org-wide report from roll-ups ≤ 50 ms;
the roll-up refresh time is printed.

"Server-side" here is the whole WSGI request inside the process — routing,
security, the service's queries, the template and the SVG charts — timed
around WebTest's call, without a network or a load generator in the way.
The admin opens a random page (of PAGE_SIZE people) of a random team's
dashboard each round (the `team` filter); the unfiltered dashboard (every
team, the whole staff as the scope) is timed too. The bare `/healthz` is
timed in the same process and run, and every figure is also given as a
ratio to it: other work on the machine moves absolute numbers much more.
With --pg-temp the pages are timed with this process and the server's
backends on core 0 (`common.database_beside_server`); a server given by URL
is left where it runs.

    python bench/bench_reports.py --scale 0.1                 # SQLite, 1,000 staff
    python bench/bench_reports.py                             # SQLite, full scale
    python bench/bench_reports.py --pg-url postgresql+psycopg://…/db   # also PostgreSQL
    python bench/bench_reports.py --pg-temp                   # start a throw-away PostgreSQL
    python bench/bench_reports.py --reuse /tmp/bench.sqlite   # a database generate_data.py already filled
    python bench/bench_reports.py --reuse /tmp/b.sqlite --pg-reuse postgresql+psycopg://…/filled   # both, no generation
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import webtest
from pyramid.config import Configurator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.generate_data import PASSWORD, generate  # noqa: E402
from cs_handbook import main as make_app  # noqa: E402
from cs_handbook.clock import Clock, FixedClock  # noqa: E402
from cs_handbook.scripts.progress import Progress  # noqa: E402
from cs_handbook.services.qa import QAService  # noqa: E402
from cs_handbook.services.reports import PAGE_SIZE, ReportsService  # noqa: E402
from cs_handbook.services.reports_rollup import refresh  # noqa: E402
from cs_handbook.services.site_settings import SiteSettingsService  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET_DASHBOARD_MS = 20
TARGET_ORG_MS = 50


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def _timed(testapp, path, params, rounds) -> list[float]:
    samples = []
    for _ in range(rounds):
        p = params() if callable(params) else params
        started = time.perf_counter()
        testapp.get(path, params=p, status=200)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(url: str, rounds: int, progress: Progress, pg=None) -> dict:
    """The figures on one database; `pg` (a tests.pg_server.PostgresServer this run started) has its
    backends timed on core 0 beside this process, as bench_quizzes does."""
    app = make_app({}, **{"sqlalchemy.url": url, "cs_handbook.secret": "bench", "pyramid.default_locale_name": "zh_CN",
                          "here": str(Path(__file__).resolve().parent.parent)})
    config = Configurator(registry=app.registry)
    config.register_service(FixedClock(NOW), Clock)
    config.commit()
    testapp = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"})
    page = testapp.get("/signin")
    form = page.forms["deform"]
    form["username"], form["password"] = "bench-admin", PASSWORD
    form.submit("submit", status=303)

    factory = app.registry["dbsession_factory"]
    with factory() as session:
        from sqlalchemy import func, select

        from cs_handbook.models.accounts import Team
        from cs_handbook.models.quizzes import AttemptQuestion
        team_ids = list(session.scalars(select(Team.id)))
        answers = session.scalar(select(func.count(AttemptQuestion.id)))
    rng = random.Random(7)
    params = lambda: {"team": rng.choice(team_ids), "month": "2026-03", "page": rng.choice((1, 2))}  # noqa: E731
    with common.database_beside_server(pg, this_process=True):
        _timed(testapp, "/reports/", params, 5)  # warm-up: templates, caches
        _timed(testapp, "/healthz", {}, 5)
        dashboard, bare = [], []
        for _ in range(rounds):  # interleaved, so both see the same load
            dashboard += _timed(testapp, "/reports/", params, 1)
            bare += _timed(testapp, "/healthz", {}, 1)
        everyone = _timed(testapp, "/reports/", {"month": "2026-03"}, max(20, rounds // 5))

    # The roll-up refresh, as the CLI runs it (one transaction).
    clock = FixedClock(NOW)
    with factory() as session:
        service = ReportsService(session, clock, QAService(session, clock, SiteSettingsService(session, clock)))
        result = refresh(service, date(2026, 3, 1), progress)
        session.commit()
    with common.database_beside_server(pg, this_process=True):
        _timed(testapp, "/reports/org", {}, 3)
        org = _timed(testapp, "/reports/org", {}, rounds)
    app.registry["dbengine"].dispose()
    return {"answers": answers, "teams": len(team_ids), "dashboard_p50": statistics.median(dashboard),
            "dashboard_p95": _p95(dashboard), "org_p50": statistics.median(org), "org_p95": _p95(org),
            "everyone_p50": statistics.median(everyone), "everyone_p95": _p95(everyone),
            "bare_p50": statistics.median(bare), "bare_p95": _p95(bare),
            "rollup_seconds": result.seconds, "rollup_people": result.people}


def report(name: str, figures: dict) -> bool:
    ok = figures["dashboard_p95"] <= TARGET_DASHBOARD_MS and figures["org_p95"] <= TARGET_ORG_MS

    def ratio(key):
        p50, p95 = figures[key + "_p50"] / figures["bare_p50"], figures[key + "_p95"] / figures["bare_p95"]
        return f"(p50 ×{p50:.1f}, p95 ×{p95:.1f} the bare /healthz)"

    print(f"{name}: {figures['answers']:,} answers, {figures['teams']} teams, {PAGE_SIZE} people a page\n"
          f"  bare /healthz   p50 {figures['bare_p50']:.1f} ms  p95 {figures['bare_p95']:.1f} ms\n"
          f"  team dashboard  p50 {figures['dashboard_p50']:.1f} ms  p95 {figures['dashboard_p95']:.1f} ms"
          f"  (target ≤ {TARGET_DASHBOARD_MS} ms) {ratio('dashboard')}\n"
          f"  every team      p50 {figures['everyone_p50']:.1f} ms  p95 {figures['everyone_p95']:.1f} ms"
          f"  (first page, the whole staff in scope) {ratio('everyone')}\n"
          f"  org report      p50 {figures['org_p50']:.1f} ms  p95 {figures['org_p95']:.1f} ms"
          f"  (target ≤ {TARGET_ORG_MS} ms) {ratio('org')}\n"
          f"  roll-up refresh {figures['rollup_seconds']:.1f} s for {figures['rollup_people']:,} people\n"
          f"  {'within target' if ok else 'OVER TARGET'}", flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--reuse", help="an SQLite file generate_data.py already filled (skips generation)")
    parser.add_argument("--pg-url", help="also measure on this (empty) PostgreSQL database")
    parser.add_argument("--pg-temp", action="store_true", help="start a throw-away PostgreSQL (needs its binaries)")
    parser.add_argument("--pg-reuse", help="a PostgreSQL database generate_data.py already filled (skips generation)")
    parser.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    args = parser.parse_args(argv)
    progress = Progress()
    ok = True
    if not args.no_sqlite:
        if args.reuse:
            url = f"sqlite:///{Path(args.reuse).resolve()}"
        else:
            url = f"sqlite:///{tempfile.mkdtemp()}/bench-reports.sqlite"
            generate(url, args.scale, args.seed, progress)
        ok &= report("SQLite", run(url, args.rounds, progress))
    if args.pg_reuse:
        ok &= report("PostgreSQL", run(args.pg_reuse, args.rounds, progress))
    server = None
    pg_url = args.pg_url
    if args.pg_temp and not pg_url:
        from tests.pg_server import PostgresServer

        server = PostgresServer()
        server.start()
        pg_url = server.create_database("bench_reports")
    try:
        if pg_url:
            generate(pg_url, args.scale, args.seed, progress)
            ok &= report("PostgreSQL", run(pg_url, args.rounds, progress, server))
    finally:
        if server:
            server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
