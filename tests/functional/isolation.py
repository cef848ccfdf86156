"""A `testapp` whose requests cannot leave the test's own session holding SQLite's write lock.

Requests set `models.sqlite_write_intent` (a ContextVar, default True) from
their method; WebTest calls the app in the test's thread, so after a POST the
test's `dbsession` would open its next transaction with `BEGIN IMMEDIATE` and
keep the write lock while the following request waits ("database is
locked"). Here each request runs in a copy of the context and the test's
own reads use a plain `BEGIN`.

A module asks for it with `pytestmark = pytest.mark.isolated_app`: its
`testapp` is then this one (tests/conftest.py registers this module as a
plugin and picks the app by the marker).
"""

import contextvars

import pytest
import webtest

from cs_handbook.models import sqlite_write_intent


class _IsolatedApp:
    def __init__(self, app):
        self.app = app
        self.registry = app.registry

    def __call__(self, environ, start_response):
        return contextvars.copy_context().run(lambda: list(self.app(environ, start_response)))


@pytest.fixture
def isolated_testapp(app, dbsession):
    token = sqlite_write_intent.set(False)
    yield webtest.TestApp(_IsolatedApp(app), extra_environ={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"})
    sqlite_write_intent.reset(token)


def fresh(dbsession) -> None:
    """See what requests committed: end the test session's snapshot and forget loaded values.

    The session factory keeps values after commit (`expire_on_commit=False`)
    and a rollback outside a transaction expires nothing, so both are needed.
    """
    dbsession.rollback()
    dbsession.expire_all()
