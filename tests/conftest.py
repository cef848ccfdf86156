"""The test harness: every database test runs on SQLite and on a real PostgreSQL.

- `backend` is a session fixture parametrised over the databases; the
  PostgreSQL server is started by the run itself and stopped at the end.
- `app` is the real WSGI app for that backend; `testapp` wraps it in WebTest
  (in modules marked `isolated_app`, the app of tests/functional/isolation.py).
- After each test every table is emptied, so requests commit for real
  (pyramid_tm, CSRF and sessions behave as in production).
- `dbsession` is a plain session for arranging data and for service tests;
  factories (tests/factories.py) write through it.
- `clock` fixes the time for the services of the app and of `dbsession`.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import webtest
from pyramid.config import Configurator
from sqlalchemy import inspect, text

from cs_handbook import main, migrations
from cs_handbook.clock import Clock, FixedClock
from cs_handbook.models import Base

from . import factories
from .pg_server import PostgresServer

pytest_plugins = ["tests.functional.isolation"]

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = [b for b in os.environ.get("CS_HANDBOOK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
DEFAULT_PASSWORD = factories.DEFAULT_PASSWORD


def pytest_collection_modifyitems(config, items):
    # A test of PostgreSQL's own behaviour (row locks that SQLite, which
    # serialises writers, has no use for) is not collected for SQLite:
    # deselected in the open, never skipped.
    sqlite_only_misfits = [item for item in items
                           if item.get_closest_marker("postgresql_only") and "[sqlite" in item.nodeid]
    if sqlite_only_misfits:
        config.hook.pytest_deselected(items=sqlite_only_misfits)
        items[:] = [item for item in items if item not in sqlite_only_misfits]
    # Group tests by backend so each database is set up once per worker.
    items.sort(key=lambda item: "postgresql" in item.nodeid)


@pytest.fixture(scope="session")
def postgres():
    if "postgresql" not in BACKENDS:
        pytest.fail("PostgreSQL backend not selected")
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/test-{worker}.sqlite"
    else:
        url = request.getfixturevalue("postgres").create_database(f"cs_handbook_{worker}")
    migrations.upgrade(url)
    return url


@pytest.fixture(scope="session")
def app_settings(database_url):
    return {
        "sqlalchemy.url": database_url,
        "cs_handbook.secret": "test-secret",
        "pyramid.default_locale_name": "zh_CN",
        "retry.attempts": "3",
        "here": str(ROOT),
        # Tests move the fixed clock by hours and days while signed in; the
        # session lifetimes are tested on their own (test_sessions.py).
        "cs_handbook.session_max_age": str(400 * 24 * 3600),
        "cs_handbook.session_idle_timeout": str(400 * 24 * 3600),
    }


@pytest.fixture(scope="session")
def app(app_settings):
    return main({}, **app_settings)


@pytest.fixture(scope="session")
def registry(app):
    return app.registry


@pytest.fixture(scope="session")
def engine(registry):
    return registry["dbengine"]


def _empty_all_tables(engine):
    table_names = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        if engine.dialect.name == "postgresql":
            extra = sorted(n for n in existing if n.startswith("fts_"))
            names = [n for n in table_names if n in existing] + extra
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            # FTS5 virtual tables are emptied through themselves, never
            # through their shadow tables.
            virtual = {row[0] for row in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"))}
            for name in table_names + sorted(virtual):
                if name in existing:
                    conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(text("DELETE FROM sqlite_sequence")) if "sqlite_sequence" in existing else None


@pytest.fixture
def dbsession(registry, engine):
    # Expire on commit, unlike the app's sessions: after `dbsession.commit()`
    # a test reads what its requests wrote, not what it had loaded before.
    session = registry["dbsession_factory"](expire_on_commit=True)
    factories.set_session(session)
    yield session
    session.rollback()
    session.close()
    factories.set_session(None)
    _empty_all_tables(engine)


@pytest.fixture
def clock(registry):
    """A fixed clock (2026-03-02 09:00 UTC, a Monday) for the app's services."""
    fixed = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    _register_clock(registry, fixed)
    yield fixed
    _register_clock(registry, Clock())


def _register_clock(registry, clock):
    config = Configurator(registry=registry)
    config.register_service(clock, Clock)
    config.commit()


@pytest.fixture
def testapp(request, app, dbsession):
    if request.node.get_closest_marker("isolated_app"):
        return request.getfixturevalue("isolated_testapp")
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"})


def login(testapp, username, password=DEFAULT_PASSWORD, status=303):
    """Sign in through the real form; returns the response."""
    page = testapp.get("/signin")
    form = page.forms["deform"]
    form["username"] = username
    form["password"] = password
    return form.submit("submit", status=status)


def csrf_token(testapp) -> str:
    """The CSRF token of the current session (signs nothing in)."""
    page = testapp.get("/account/password")
    return page.forms["deform"]["csrf_token"].value
