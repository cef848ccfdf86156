"""How a request's transaction ends: COMMIT when pyramid_tm commits, reads only too (a failed
request's writes are still rolled back: tests/functional/test_errors.py).

On PostgreSQL psycopg forgets its prepared statements at every ROLLBACK, so
if the pages that only read ended in ROLLBACK (zope.sqlalchemy's default for
a session nothing was flushed in) no statement would ever be prepared and
every request would parse and plan its statements anew.
"""

import pytest
from sqlalchemy import event

from tests.conftest import login
from tests.factories import AccountFactory

pytestmark = pytest.mark.isolated_app


@pytest.fixture
def endings(app):
    """The engine's transaction endings ("commit" / "rollback") while the test runs."""
    engine, seen = app.registry["dbengine"], []

    def on_commit(conn):
        seen.append("commit")

    def on_rollback(conn):
        seen.append("rollback")

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def test_a_page_that_only_reads_ends_in_commit(testapp, dbsession, endings):
    AccountFactory(username="wang")
    login(testapp, "wang")
    endings.clear()
    testapp.get("/healthz", status=200)
    testapp.get("/", status=200)
    assert endings == ["commit", "commit"]


@pytest.mark.postgresql_only
def test_postgresql_keeps_prepared_statements_across_requests(testapp, dbsession, app):
    """After a few identical requests their statements run prepared (psycopg's threshold is 5 executions)."""
    AccountFactory(username="wang")
    login(testapp, "wang")
    prepared: list[int] = []

    def count_prepared(conn, cursor, statement, parameters, context, executemany):
        if statement == "SELECT 1":  # /healthz's own statement, on the request's connection
            prepared.append(cursor.connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0])

    engine = app.registry["dbengine"]
    event.listen(engine, "after_cursor_execute", count_prepared)
    try:
        # Enough requests for every pooled connection (the pool hands them out in turn,
        # and prepared statements belong to one connection) to pass the threshold.
        for _ in range(40):
            testapp.get("/healthz", status=200)
    finally:
        event.remove(engine, "after_cursor_execute", count_prepared)
    assert max(prepared) >= 2, prepared  # the sign-in session's look-up and SELECT 1
