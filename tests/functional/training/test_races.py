"""Sign-offs under concurrency, on both databases with real sessions in threads: two
requests for the same task at once make one request; two decisions at once make one."""

import threading
from datetime import date

import transaction
import zope.sqlalchemy
from sqlalchemy import func, select

from cs_handbook.clock import FixedClock
from cs_handbook.models import sqlite_write_intent
from cs_handbook.models.accounts import Account
from cs_handbook.models.notices import Notice
from cs_handbook.models.training import SignOff
from cs_handbook.services.training import TrainingError
from tests import factories
from tests import factories_training as ft

START = date(2026, 3, 2)


def _threaded(registry, count, work):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def run(i):
        # Writers take SQLite's write lock at BEGIN, as requests that write do.
        sqlite_write_intent.set(True)
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                results.append(work(session, i))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _setup(dbsession, clock):
    _path, (_day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(START, team=team)
    mentor = factories.AccountFactory()
    manager = factories.AccountFactory()
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    return person.id, mentor.id, manager.id, shadow.items[0].id


def test_simultaneous_requests_make_one(dbsession, registry, clock):
    person_id, mentor_id, _manager_id, task_id = _setup(dbsession, clock)
    fixed = FixedClock(clock.now())

    def ask(session, i):
        try:
            return ft.service(session, fixed).request_signoff(session.get(Account, person_id), task_id, f"第{i}次").id
        except TrainingError as error:
            assert "already waiting" in error.msgid
            return None

    results, errors = _threaded(registry, 4, ask)
    assert not errors
    assert len([r for r in results if r is not None]) == 1
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(SignOff)) == 1
    assert dbsession.scalar(select(func.count()).select_from(Notice).where(Notice.account_id == mentor_id)) == 1


def test_simultaneous_decisions_make_one(dbsession, registry, clock):
    person_id, mentor_id, manager_id, task_id = _setup(dbsession, clock)
    signoff_id = ft.service(dbsession, clock).request_signoff(dbsession.get(Account, person_id), task_id).id
    dbsession.commit()
    fixed = FixedClock(clock.now())

    def decide(session, i):
        actor = session.get(Account, mentor_id if i % 2 else manager_id)
        try:
            ft.service(session, fixed).decide(actor, session.get(SignOff, signoff_id), i % 2 == 0, f"决定{i}")
            return i
        except TrainingError as error:
            assert "already decided" in error.msgid
            return None

    results, errors = _threaded(registry, 4, decide)
    assert not errors
    decided = [r for r in results if r is not None]
    assert len(decided) == 1
    dbsession.rollback()
    signoff = dbsession.get(SignOff, signoff_id)
    assert signoff.note == f"决定{decided[0]}"
    # The person heard of one decision only.
    assert dbsession.scalar(select(func.count()).select_from(Notice).where(Notice.account_id == person_id)) == 1
