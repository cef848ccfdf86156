"""Two sessions at once, each in its own thread and transaction, as two requests would be (both databases).

A double submit must be recorded once; two tabs opening the drill together must build one queue.
"""

import threading
from datetime import UTC, datetime

import transaction
import zope.sqlalchemy

from cs_handbook.clock import FixedClock
from cs_handbook.models import sqlite_write_intent
from cs_handbook.models.drill import DrillCard, DrillQueueEntry, DrillReviewLog
from cs_handbook.services.drill import DrillError, DrillService

from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import DrillItemFactory

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def in_threads(registry, count, work):
    """Run `work(session, i)` in `count` threads released together; (results, errors)."""
    results, errors = [], []
    barrier = threading.Barrier(count)

    def run(i):
        # Requests that write take SQLite's write lock at BEGIN; so do these.
        sqlite_write_intent.set(True)
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                results.append(work(session, i))
        except Exception as error:  # collected and asserted by the test
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_a_double_submit_is_recorded_once(registry, dbsession):
    person_id = AccountFactory(team=TeamFactory(), position=PositionFactory()).id
    DrillItemFactory()
    entry_id = DrillService(dbsession, FixedClock(NOW)).queue(person_id)[0].id
    dbsession.commit()

    read = threading.Barrier(2)

    def answer(session, i):
        svc = DrillService(session, FixedClock(NOW))
        svc.entry(person_id, entry_id).card.item
        if session.get_bind().dialect.name == "postgresql":
            # Both have read the unanswered entry before either answers. (SQLite's first read already
            # holds the write lock, BEGIN IMMEDIATE, so there the second session cannot read yet.)
            read.wait(timeout=30)
        try:
            return svc.answer(person_id, entry_id, {"value": "60"}).correct
        except DrillError as refused:
            return refused.status

    results, errors = in_threads(registry, 2, answer)
    assert not errors
    assert sorted(results, key=str) == [409, True]
    assert dbsession.query(DrillReviewLog).count() == 1
    assert dbsession.query(DrillCard.reps).one() == (1,)


def test_two_tabs_opening_the_drill_build_one_queue(registry, dbsession):
    person_id = AccountFactory(team=TeamFactory(), position=PositionFactory()).id
    for _ in range(5):
        DrillItemFactory()
    dbsession.commit()

    def open_page(session, i):
        return [e.card.item_id for e in DrillService(session, FixedClock(NOW)).queue(person_id)]

    results, errors = in_threads(registry, 2, open_page)
    assert not errors
    assert results[0] == results[1] and len(results[0]) == 5  # both tabs show the same queue
    assert dbsession.query(DrillCard).count() == 5
    assert dbsession.query(DrillQueueEntry).count() == 5
