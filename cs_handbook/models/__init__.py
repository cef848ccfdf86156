"""The database contract: engine, session factory and `request.dbsession`.

`request.dbsession` is joined to the request's transaction by pyramid_tm
through zope.sqlalchemy; application code never calls `commit()`.
"""

from contextvars import ContextVar
from pathlib import Path

from pyramid_retry import mark_error_retryable
from sqlalchemy import engine_from_config, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker
from zope.sqlalchemy.datamanager import STATUS_CHANGED, ZopeTransactionEvents

# Import every model module so that the metadata is complete (for Alembic's
# drift check and for relationships declared by name).
from . import accounts, audit, documents, drill, notices, qa, quizzes, reports, settings, training  # noqa: F401
from .meta import Base

configure_mappers()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

__all__ = ["Base", "get_engine", "get_session_factory", "get_tm_session"]


def _tune_sqlite(dbapi_connection, connection_record):
    # WAL lets readers run beside the writer; the busy timeout makes a
    # second writer wait instead of failing at once; SQLite leaves
    # foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Whether the current request means to write; set from its method for the
# request's duration and cleared after it, so that other work on the same
# thread (scripts, tests) starts ordinary deferred transactions.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


def _begin(conn):
    # SQLite upgrades a read transaction to a write one lazily and fails at
    # once with "database is locked" if another writer got there first.
    # Taking the write lock at BEGIN for requests that mean to write makes
    # concurrent writers queue on the busy timeout; reads stay concurrent.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def _retry_when_locked(context):
    # Even with the write lock taken up front, SQLite can answer "database is
    # locked" under a burst of writers; pyramid_retry then replays the request.
    error = context.sqlalchemy_exception
    if error is not None and "database is locked" in str(context.original_exception):
        mark_error_retryable(error)


def _retry_when_disconnected(context):
    # No ping before every checkout (a round trip on every request): a
    # connection the server dropped fails once, SQLAlchemy then discards the
    # pool's older connections, and pyramid_retry replays the request on a
    # fresh one. The transaction of a failed request was never committed.
    if context.is_disconnect and context.sqlalchemy_exception is not None:
        mark_error_retryable(context.sqlalchemy_exception)


def get_engine(app_settings, prefix="sqlalchemy.") -> Engine:
    url = app_settings[prefix + "url"]
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            # A fresh checkout has no var/ folder yet.
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = engine_from_config(app_settings, prefix, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _tune_sqlite)
        # pysqlite's own transaction handling is disabled so that BEGIN is ours.
        event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _begin)
        event.listen(engine, "handle_error", _retry_when_locked)
        return engine
    engine = engine_from_config(app_settings, prefix)
    event.listen(engine, "handle_error", _retry_when_disconnected)
    return engine


def get_session_factory(engine: Engine) -> sessionmaker:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    _register_tm_listeners(factory)
    return factory


EVENTS_KEY = "cs_handbook.transaction_events"


# The session events zope.sqlalchemy's `register` listens to (the methods of ZopeTransactionEvents).
_TM_EVENTS = ("after_begin", "after_attach", "after_flush", "after_bulk_update", "after_bulk_delete", "before_commit",
              "do_orm_execute")


def _register_tm_listeners(factory: sessionmaker) -> None:
    """zope.sqlalchemy's listeners, registered once on the session factory instead of on each session.

    `zope.sqlalchemy.register(session)` adds seven listeners to every session it is given, which cost
    about as much as a cached page's whole answer. Registered on the factory, they run for every session
    it makes and hand each event to the session's own `ZopeTransactionEvents` (its transaction manager),
    kept in its info by `get_tm_session`; a session without one (scripts and tests that register a
    factory-made session themselves) is left to its own listeners.
    """
    for name in _TM_EVENTS:
        event.listen(factory, name, _forward_to_session_events(name))


def _forward_to_session_events(name: str):
    def listener(subject, *args):
        # Most events pass the session first; the bulk and execute events pass an object holding it.
        session = subject if isinstance(subject, Session) else subject.session
        events = session.info.get(EVENTS_KEY)
        if events is not None:
            getattr(events, name)(subject, *args)

    return listener


def get_tm_session(session_factory, transaction_manager, request=None):
    """Return a session joined to `transaction_manager` (pyramid_tm's or a script's).

    Every transaction the manager commits ends in COMMIT, reads only too
    (zope.sqlalchemy's "changed" initial state); an abort still rolls back.
    By default zope.sqlalchemy ended a read-only transaction in ROLLBACK, and
    psycopg forgets its prepared statements on every ROLLBACK, so on
    PostgreSQL no statement ever reached psycopg's prepare threshold: each
    request's statements were parsed and planned anew (the team dashboard's
    measures statement: ~2 ms prepared, ~8 ms planned each time). For a
    transaction that wrote nothing COMMIT and ROLLBACK leave the same data.

    `session_factory` is one made by `get_session_factory`, whose listeners
    pass the session's events to the `ZopeTransactionEvents` in its info.
    """
    events = ZopeTransactionEvents(initial_state=STATUS_CHANGED, transaction_manager=transaction_manager)
    return session_factory(info={"request": request, EVENTS_KEY: events})


def includeme(config):
    app_settings = config.get_settings()
    app_settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = get_engine(app_settings)
    session_factory = get_session_factory(engine)
    config.registry["dbengine"] = engine
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request):
        # Tests may hand in their own session through the environ.
        session = request.environ.get("app.dbsession")
        token = sqlite_write_intent.set(request.method not in SAFE_METHODS)
        request.add_finished_callback(lambda _request: sqlite_write_intent.reset(token))
        if session is None:
            session = get_tm_session(session_factory, request.tm, request=request)
        return session

    config.add_request_method(dbsession, reify=True)
