"""Drill benchmark: the queue over 5,000 cards, the home panel, the drill page, the heat-map and an answer POST.

    python bench/bench_drill.py [--pg] [--runs 3] [--duration 10] [--skip-pages]

Queue (in process, target ≤ 20 ms): a person with 5,000 reviewed cards (due
dates spread over 60 days) and 500 unseen items, plus a bank of 260 questions
(the size of training/questions) that the queue build keeps in step with;
each round deletes the day's queue and the cards it created and builds it
again through `DrillService.queue` (bank sync, path material, reviews, new
items, inserts). The same database gives the home panel's figure (target
≤ 1 ms): `DrillService.panel`, one query on the queue's (account, day) index.
Both are timed with this process and PostgreSQL's backends on core 0
(`common.database_beside_server`), as bench_quizzes times its statistics page.

Pages (pinned run, bench/common.py): the bare hello app first, then
cs_handbook made with `cs-handbook init --demo` on production.ini's
settings, one waitress process on core 0, the load generator on core 1.
GET /drill/ signed in as the demo admin (today's queue already built, as for
every visit after the first of the day). GET /drill/heatmap as the demo admin
(every team), with 50 more staff of 100 reviewed cards each: predicted recall
per person and handbook section, summed by the database. POST /drill/answer signed in as
newhire2 with the CSRF token of their session: each request answers a
different queue entry (30,000 are seeded for today, right answers), so every
request does the whole answer (FSRS review, log, card, streak) and gets its
303. The POST load generator is this module (`--post-load`), pinned to core 1
like bench/common.py's GET one. Figures are ratios to the bare app measured
in the same run; other engineers share the machine, so absolute numbers are
noisy. The entries are for the local day when seeded: do not run across
midnight in Asia/Shanghai.
"""

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from http import client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.bench_foundation import CLI, DEMO_PASSWORD, PSERVE, _cookies, _header, sign_in, write_ini  # noqa: E402

CARDS = 5000
BANK_QUESTIONS = 260
POST_ENTRIES = 30_000
POST_USER = "newhire2"
HEATMAP_PEOPLE = 50  # in the first team, which the demo admin sees with the rest
HEATMAP_CARDS = 100  # reviewed cards each: 5,000 cards for the heat-map to sum up


# -- the queue and the home panel, in process ---------------------------------------------------

def seed_bank(session, now, count: int) -> None:
    from sqlalchemy import insert, select

    from cs_handbook.models.quizzes import Question, QuestionCategory, QuestionVersion

    session.execute(insert(QuestionCategory), [{"slug": f"bench{c}", "title": f"题库{c}", "description": ""}
                                               for c in range(10)])
    categories = list(session.scalars(select(QuestionCategory.id).order_by(QuestionCategory.id)))
    session.execute(insert(Question), [{"category_id": categories[i % 10], "key": f"q{i}", "position": i, "tags": [],
                                        "current_number": 1} for i in range(count)])
    questions = list(session.scalars(select(Question.id).order_by(Question.id)))
    session.execute(insert(QuestionVersion), [
        {"question_id": q, "number": 1, "type": "single", "text": f"问题{i}", "source": f"handbook/s{i % 7}/doc{i}",
         "points": 1.0, "explanation": "", "created_at": now,
         "data": {"options": [{"text": "对", "correct": True}, {"text": "错"}]}} for i, q in enumerate(questions)])


def analyze(session) -> None:
    """Fresh statistics after a bulk load, as autovacuum would soon have: without them PostgreSQL
    believes the tables empty and joins the due cards to the items by nested loops (seconds)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()


def bench_queue(url: str, pg=None) -> dict:
    from sqlalchemy import create_engine, delete
    from sqlalchemy.orm import Session

    from cs_handbook import migrations
    from cs_handbook.clock import FixedClock
    from cs_handbook.models.accounts import Account, Team
    from cs_handbook.models.drill import DrillCard, DrillItem, DrillQueueEntry
    from cs_handbook.services.drill import DrillService

    migrations.upgrade(url)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    rng = random.Random(1)
    engine = create_engine(url)
    with Session(engine) as s:
        team = Team(name="bench", timezone="Asia/Shanghai")
        s.add(team)
        s.flush()
        person = Account(username="bench", display_name="bench", password_hash="!unusable", team_id=team.id,  # noqa: S106
                         created_at=now)
        s.add(person)
        s.flush()
        items = [DrillItem(key=f"doc{i // 3}#a{i}:k", kind="recall-number", prompt="p", payload={}, answer={"value": 1},
                           explanation="", source_slug=f"handbook/s{i % 7}/doc{i // 3}", source_anchor=f"a{i % 3}",
                           section=f"handbook/s{i % 7}", created_at=now, updated_at=now)
                 for i in range(CARDS + 500)]
        s.add_all(items)
        s.flush()
        s.add_all(DrillCard(account_id=person.id, item_id=it.id, state=2, step=None, stability=rng.uniform(1, 60),
                            difficulty=rng.uniform(1, 9), due=now + timedelta(days=rng.uniform(-20, 40)),
                            last_review=now - timedelta(days=rng.uniform(1, 30)), created_at=now)
                  for it in items[:CARDS])
        seed_bank(s, now, BANK_QUESTIONS)
        s.commit()
        analyze(s)
        svc = DrillService(s, FixedClock(now))
        svc.queue(person.id)  # the first build of the day also turns the new bank into items
        s.commit()
        times = []
        with common.database_beside_server(pg, this_process=True):
            for _ in range(30):
                s.execute(delete(DrillQueueEntry))
                s.execute(delete(DrillCard).where(DrillCard.reps == 0, DrillCard.stability.is_(None)))
                t = time.perf_counter()
                queue = svc.queue(person.id)
                times.append((time.perf_counter() - t) * 1000)
                s.rollback()
            svc.queue(person.id)
            s.commit()
            svc.panel(person.id, team.id)  # inside a transaction, as on the home page (the identity query began it)
            panel_times = []
            for _ in range(500):
                t = time.perf_counter()
                figures = svc.panel(person.id, team.id)
                panel_times.append((time.perf_counter() - t) * 1000)
    engine.dispose()
    times.sort()
    panel_times.sort()
    return {"cards": CARDS, "bank_questions": BANK_QUESTIONS, "queue_length": len(queue),
            "queue_build_median_ms": round(statistics.median(times), 2),
            "queue_build_p90_ms": round(times[int(len(times) * 0.9)], 2), "queue_target_ms": 20,
            "home_panel_median_ms": round(statistics.median(panel_times), 3),
            "home_panel_p90_ms": round(panel_times[int(len(panel_times) * 0.9)], 3), "home_panel_target_ms": 1,
            "home_panel_figures": figures}


# -- the pages ------------------------------------------------------------------------------------

def sign_in_as(port: int, username: str, password: str) -> str:
    """Like bench_foundation.sign_in, for another account."""
    conn = client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/signin")
    response = conn.getresponse()
    cookies = _cookies(response)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    conn.request("POST", "/signin", body=urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": password, "submit": "submit"}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(cookies)})
    response = conn.getresponse()
    response.read()
    if response.status != 303:
        raise RuntimeError(f"sign-in of {username} failed with {response.status}")
    cookies.update(_cookies(response))
    conn.request("GET", "/", headers={"Cookie": _header(cookies)})
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    conn.close()
    return _header(cookies)


def page_token(port: int, cookie: str, path: str) -> str:
    conn = client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return found.group(1)


def seed_answers(url: str, username: str, count: int) -> list[int]:
    """`count` queue entries for today (the person's local day, real clock) on items of their own."""
    from sqlalchemy import create_engine, insert, select
    from sqlalchemy.orm import Session

    from cs_handbook.models.accounts import Account
    from cs_handbook.models.drill import DrillCard, DrillItem, DrillQueueEntry
    from cs_handbook.services.drill_scheduler import local_day

    now = datetime.now(UTC)
    engine = create_engine(url)
    with Session(engine) as s:
        person = s.scalar(select(Account).where(Account.username == username))
        day = local_day(now, person.team.timezone if person.team else None)
        s.execute(insert(DrillItem), [
            {"key": f"bench/post/{i}#fact:f{i}:recall-number", "kind": "recall-number", "prompt": f"时限{i}",
             "payload": {"unit": "秒"}, "answer": {"value": 60}, "explanation": "60秒",
             "source_slug": f"bench/post/{i}", "source_kind": "bench", "source_title": "基准", "source_version": "1",
             "source_anchor": f"fact:f{i}", "section": "bench", "content_hash": "x", "status": "active",
             "created_at": now, "updated_at": now}
            for i in range(count)])
        items = list(s.scalars(select(DrillItem.id).where(DrillItem.source_kind == "bench").order_by(DrillItem.id)))
        s.execute(insert(DrillCard), [
            {"account_id": person.id, "item_id": item, "state": 1, "step": 0, "due": now, "created_at": now, "reps": 0,
             "lapses": 0, "leech": False, "source_changed": False} for item in items])
        cards = list(s.scalars(select(DrillCard.id).where(DrillCard.item_id.in_(
            select(DrillItem.id).where(DrillItem.source_kind == "bench"))).order_by(DrillCard.id)))
        s.execute(insert(DrillQueueEntry), [
            {"account_id": person.id, "day": day, "card_id": card, "position": 1000 + i, "is_new": True}
            for i, card in enumerate(cards)])
        entries = list(s.scalars(select(DrillQueueEntry.id).where(DrillQueueEntry.card_id.in_(cards))
                                 .order_by(DrillQueueEntry.id)))
        s.commit()
        analyze(s)
    engine.dispose()
    return entries


def seed_heatmap(url: str, people: int, cards: int) -> None:
    """`people` more staff in the first team, each with `cards` reviewed cards on the site's items (spread over
    the handbook's sections), for the manager's heat-map to work out."""
    from sqlalchemy import create_engine, insert, select
    from sqlalchemy.orm import Session

    from cs_handbook.models.accounts import Account, Team
    from cs_handbook.models.drill import DrillCard, DrillItem

    now = datetime.now(UTC)
    rng = random.Random(2)
    engine = create_engine(url)
    with Session(engine) as s:
        team_id = s.scalar(select(Team.id).order_by(Team.id))
        items = list(s.scalars(select(DrillItem.id).where(DrillItem.source_kind != "bench").order_by(DrillItem.id)
                               .limit(cards)))
        s.execute(insert(Account), [{"username": f"bench-heat-{i}", "display_name": f"热力{i}",
                                     "password_hash": "!unusable", "team_id": team_id, "created_at": now}
                                    for i in range(people)])
        accounts = list(s.scalars(select(Account.id).where(Account.username.like("bench-heat-%"))))
        s.execute(insert(DrillCard), [
            {"account_id": a, "item_id": item, "state": 2, "step": None, "stability": rng.uniform(1, 60),
             "difficulty": rng.uniform(1, 9), "due": now + timedelta(days=rng.uniform(-10, 40)),
             "last_review": now - timedelta(days=rng.uniform(1, 30)), "reps": 3, "lapses": 0, "leech": False,
             "source_changed": False, "created_at": now} for a in accounts for item in items])
        s.commit()
        analyze(s)
    engine.dispose()


def post_load(spec: dict) -> dict:
    """POST one answer per entry id, keep-alive connections, until time or ids run out (runs on core 1)."""
    ids = iter(spec["ids"])
    lock = threading.Lock()
    latencies, counters = [], {"errors": 0}
    headers = {"Host": f"127.0.0.1:{spec['port']}", "Cookie": spec["cookie"], "Accept-Language": "zh-CN",
               "Content-Type": "application/x-www-form-urlencoded"}
    stop_at = time.perf_counter() + spec["seconds"]

    def worker():
        conn = client.HTTPConnection("127.0.0.1", spec["port"], timeout=10)
        local, errors = [], 0
        while time.perf_counter() < stop_at:
            with lock:
                entry_id = next(ids, None)
            if entry_id is None:
                break
            body = urllib.parse.urlencode({"csrf_token": spec["token"], "entry_id": entry_id, "value": "60"})
            began = time.perf_counter()
            try:
                conn.request("POST", "/drill/answer", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                errors += response.status != 303
            except (OSError, client.HTTPException):
                errors += 1
                conn.close()
                conn = client.HTTPConnection("127.0.0.1", spec["port"], timeout=10)
                continue
            local.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(local)
            counters["errors"] += errors

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(common.CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(spec["seconds"] + 30)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"requests": len(latencies), "errors": counters["errors"],
            "req_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(common._percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(common._percentile(latencies, 99) * 1000, 2)}


def run_post_load(spec: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    argv = common.pinned(1, [common.PYTHON, str(Path(__file__).resolve()), "--post-load", f.name])
    try:
        out = subprocess.run(argv, cwd=common.ROOT, check=True, capture_output=True, text=True,  # noqa: S603
                             timeout=spec["seconds"] + 120).stdout
    finally:
        Path(f.name).unlink()
    return json.loads(out)


def measure_posts(port: int, cookie: str, token: str, ids: list[int], runs: int, duration: float) -> dict:
    """Warm-up then `runs` runs, each on entries of its own; the median run's figures."""
    share = len(ids) // (runs + 1)
    slices = [ids[i * share:(i + 1) * share] for i in range(runs + 1)]
    spec = {"port": port, "cookie": cookie, "token": token}
    run_post_load({**spec, "ids": slices[0], "seconds": common.WARMUP})
    results = [run_post_load({**spec, "ids": part, "seconds": duration}) for part in slices[1:]]
    if any(r["errors"] or not r["requests"] for r in results):
        raise RuntimeError(f"failed answers during the benchmark: {results}")
    return {"req_per_s": statistics.median(r["req_per_s"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results), "runs": results}


def bench_pages(name: str, url: str, workdir: Path, args) -> dict:
    env = {"CS_HANDBOOK_DATABASE_URL": url, "CS_HANDBOOK_SECRET": "bench-secret-" + "x" * 32}
    port = common.free_port()
    ini = write_ini(workdir, port)
    subprocess.run([common.PYTHON, "-c", CLI, str(ini), "--quiet", "init", "--demo"], cwd=common.ROOT,  # noqa: S603
                   env={**common.os.environ, **env}, check=True, capture_output=True, timeout=900)
    ids = seed_answers(url, POST_USER, POST_ENTRIES)
    seed_heatmap(url, HEATMAP_PEOPLE, HEATMAP_CARDS)
    with common.ServerProcess([common.PYTHON, "-c", PSERVE, str(ini)], port, env=env) as server:
        server.wait_ready("/healthz", timeout=120)
        admin = sign_in(port)
        page_token(port, admin, "/drill/")  # builds the admin's queue for today
        page = common.measure(port, "/drill/", cookie=admin, runs=args.runs, duration=args.duration)
        heatmap = common.measure(port, "/drill/heatmap", cookie=admin, runs=args.runs, duration=args.duration)
        learner = sign_in_as(port, POST_USER, DEMO_PASSWORD)
        # Any form of the session carries its token; the drill page would load all 30,000 entries.
        token = page_token(port, learner, "/account/password")
        answer = measure_posts(port, learner, token, ids, args.runs, args.duration)
    return {"backend": name, "drill_page": page, "heatmap_page": heatmap, "answer_post": answer}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also measure on a throw-away PostgreSQL server")
    parser.add_argument("--runs", type=int, default=common.RUNS)
    parser.add_argument("--duration", type=float, default=common.DURATION)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--post-load", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.post_load:
        common.raise_fd_limit()
        print(json.dumps(post_load(json.loads(Path(args.post_load).read_text()))))
        return 0
    common.raise_fd_limit()
    pg = None
    if args.pg:
        from tests.pg_server import PostgresServer
        pg = PostgresServer()
        pg.start()
    results = {"pinning": "server on core 0, load generator on core 1", "runs": args.runs,
               "duration_s": args.duration, "queue": [], "pages": []}
    try:
        if not args.skip_pages:
            port = common.free_port()
            with common.ServerProcess(common.waitress_argv("bench.hello:app", port), port) as bare_server:
                bare_server.wait_ready("/")
                bare = common.measure(port, "/", runs=args.runs, duration=args.duration)
            results["bare_hello"] = bare
        with tempfile.TemporaryDirectory(prefix="cs_handbook_bench_drill_") as tmp:
            backends = [("sqlite", lambda tag: f"sqlite:///{tmp}/{tag}.sqlite", None)]
            if pg is not None:
                backends.append(("postgresql", pg.create_database, pg))
            for name, make_url, server in backends:
                results["queue"].append({"backend": name, **bench_queue(make_url("queue"), server)})
                if not args.skip_pages:
                    pages = bench_pages(name, make_url("pages"), Path(tmp), args)
                    pages["drill_page_vs_bare"] = common.ratios(pages["drill_page"], bare)
                    pages["heatmap_page_vs_bare"] = common.ratios(pages["heatmap_page"], bare)
                    pages["answer_post_vs_bare"] = common.ratios(pages["answer_post"], bare)
                    results["pages"].append(pages)
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
