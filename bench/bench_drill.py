"""Benchmark: building today's drill queue for a person with 5,000 cards (target ≤ 20 ms).

Run: `python bench/bench_drill.py` (SQLite in a temp file; pass a URL to use another database).
Each round deletes the day's queue and builds it again from the cards.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from cs_handbook import migrations
from cs_handbook.clock import FixedClock
from cs_handbook.models.accounts import Account, Team
from cs_handbook.models.drill import DrillCard, DrillItem, DrillQueueEntry
from cs_handbook.services.drill import DrillService

CARDS = 5000


def main(url=None):
    url = url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    migrations.upgrade(url)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    rng = random.Random(1)
    with Session(create_engine(url)) as s:
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
        s.commit()
        svc = DrillService(s, FixedClock(now))
        times = []
        for _ in range(30):
            s.execute(delete(DrillQueueEntry))
            s.execute(delete(DrillCard).where(DrillCard.reps == 0, DrillCard.stability.is_(None)))
            t = time.perf_counter()
            queue = svc.queue(person.id)
            times.append((time.perf_counter() - t) * 1000)
            s.rollback()
        print(f"queue of {len(queue)} built over {CARDS} cards: median {statistics.median(times):.1f} ms, "
              f"p90 {sorted(times)[int(len(times) * 0.9)]:.1f} ms (target ≤ 20 ms)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
