"""The cached path of the handbook's reading pages: rendered pages kept in process memory.

The pages are a document's, a section's index and the handbook's index (`ROUTES`).

Like Plone's RAM cache, a page is rendered once per what makes it vary and
then served from memory, but never on trust:

- Every request still authenticates. A hit costs one indexed query that
  loads the reader's session, account and grants (as the security policy
  does) together with the site's *documents generation*, a random token
  rewritten in the same transaction as any change to documents, sections,
  or the people shown on role pages. A page whose generation is not the
  current one is rendered again, so several processes sharing one
  PostgreSQL database never serve a page another process has changed.
- The key is what the page depends on: the route and page, the reader's language,
  the site address (links are absolute), the day (expiry dates) and the
  reader's global roles (navigation, edit links, expired pages, badges).
  A document's owner, a page with flash messages or a query string always
  take the full path.
- What differs per reader inside a shared page (the CSRF token, their name)
  is left as markers and filled in per request (`templating.render_shared`).
  So are the navigation badges the generation does not cover (the course
  review queue, the QA queue): a hit counts them afresh with the statements
  their areas registered (`NavItem.badge_query`), as columns of the hit's
  own statement when the session's previous hit showed which badges its
  page has (else in one more query on the same connection). A reader shown
  a badge that has no statement always takes the full path.

A miss takes the ordinary path: routing, permissions, the view. The tween
only tells the view the generation it read *before* rendering, so a change
committed while the page renders leaves the entry already out of date.
"""

import queue
import secrets
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain
from typing import NamedTuple

from pyramid.interfaces import IRoutesMapper
from pyramid.response import Response
from sqlalchemy import Executable, bindparam, event, inspect, select

from .. import navigation
from ..clock import request_now
from ..i18n import negotiate_locale
from ..models.accounts import Account, LoginSession, Position
from ..models.documents import Document, DocumentLink, DocumentSection, DocumentTag, DocumentTransition, DocumentVersion
from ..models.settings import SiteSetting
from ..security import IDENTITY_QUERY, identity_from_rows, session_token_hash
from ..templating import fill_shared, shared_badges
from ..tweens import SIGNED_IN_HEADERS, mark_security_headers

GENERATION_KEY = "cache.documents_generation"
REGISTRY_KEY = "documents_page_cache"
# Set on the request by the tween for the view: (cache key, generation read before rendering).
PENDING = "_documents_page_cache_pending"
# The routes whose pages are shared, each with the match name that tells its pages apart.
ROUTES = {"documents.view": "slug", "documents.section": "path", "documents.index": None}
# Badges computed from documents only: the generation covers their value.
COVERED_BADGES = frozenset({"documents.review_queue"})

GENERATION_QUERY = select(SiteSetting.value).where(SiteSetting.key == GENERATION_KEY)
HIT_QUERY = IDENTITY_QUERY.add_columns(GENERATION_QUERY.scalar_subquery().label("generation"))
GENERATION_COLUMN = len(HIT_QUERY.selected_columns) - 1
# Keys among the compiled statements: (HIT, routes of the badges counted with it); tuples of routes
# for the badges counted apart.
HIT = "hit"
# The badges each session's page showed on its last hit (token hash -> routes), so its next
# hit counts them in the hit's own statement; bounded, a guess checked against the entry.
_EXPECTED_BADGES_SIZE = 10_000
_CONTENT_TYPE = ("Content-Type", "text/html; charset=UTF-8")

# What a cached page shows: its document, versions, section, links, the
# review-queue count and, on role pages, the people holding the position.
_WATCHED = (Document, DocumentVersion, DocumentTransition, DocumentSection, DocumentTag, DocumentLink, Position)
_WATCHED_ACCOUNT_FIELDS = ("display_name", "position_id", "is_active")


class Entry(NamedTuple):
    generation: str
    document_id: int | None  # None: an index page
    parts: tuple
    # The routes of the badges `parts` leaves to be filled in per reader.
    badges: tuple = ()


class PageCache:
    """A bounded LRU of rendered pages; `hits`/`misses`/`stores` count what happened."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.stores = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            self.stores += 1
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


# -- the generation ---------------------------------------------------------------------------------

def _changes_pages(session) -> bool:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, _WATCHED):
            return True
        if isinstance(obj, Account):
            state = inspect(obj)
            if obj in session.new or obj in session.deleted or any(
                    state.attrs[name].history.has_changes() for name in _WATCHED_ACCOUNT_FIELDS):
                return True
    return False


def bump_generation(session) -> None:
    """Give the documents generation a new random value, in the session's transaction."""
    connection = session.connection()
    value, now = secrets.token_hex(8), datetime.now(UTC)
    # An upsert: two first writers at once must not fail on the primary key.
    # Random rather than a counter, so an emptied table (tests) never brings
    # back a value some cached page was stored under.
    row = {"key": GENERATION_KEY, "value": value, "updated_at": now}
    changed = {"value": value, "updated_at": now}
    upsert: Executable
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        upsert = postgresql.insert(SiteSetting).values(row).on_conflict_do_update(index_elements=["key"], set_=changed)
    else:
        from sqlalchemy.dialects import sqlite

        upsert = sqlite.insert(SiteSetting).values(row).on_conflict_do_update(index_elements=["key"], set_=changed)
    connection.execute(upsert)


def _before_flush(session, flush_context, instances) -> None:
    if _changes_pages(session):
        bump_generation(session)


def watch(session_factory) -> None:
    """Bump the generation whenever a session of `session_factory` changes what pages show."""
    if not event.contains(session_factory, "before_flush", _before_flush):
        event.listen(session_factory, "before_flush", _before_flush)


# -- the cached path ------------------------------------------------------------------------------

def page_key(request, route_name: str, page: str | None, identity) -> tuple:
    roles = tuple(p for p in identity.principals if p.startswith("role:"))
    today = request_now(request).date()
    return (route_name, page, negotiate_locale(request), request.application_url, today, roles)


def _is_owner(identity, document_id: int | None) -> bool:
    # An index page is nobody's: it shows an owner what it shows their peers.
    return document_id is not None and f"grant:owner:document:{document_id}" in identity.principals


def _has_flash(request) -> bool:
    return any(key.startswith("_f_") for key in request.session)


def response_for(request, parts, badges: dict | None = None) -> Response:
    # The headers the security tween would add to a signed-in page, set here at once.
    response = Response(body=fill_shared(parts, request, badges), headerlist=[_CONTENT_TYPE, *SIGNED_IN_HEADERS])
    return mark_security_headers(response)


class DatabaseUnavailable(Exception):
    """The bare connection failed (most likely one the server dropped): the full path takes the request."""


class RawStatements:
    """Statements compiled once and run on bare DBAPI connections outside any transaction.

    A hit is one statement (two for a reader with badges on the session's first hit): SQLAlchemy's
    per-statement work and a BEGIN / ROLLBACK pair around it cost more than the statement itself.
    The connections are the tween's own, taken out of the engine's pool once (`detach`) and kept
    in autocommit: borrowing from the pool meant switching PostgreSQL's autocommit on and off and
    a reset on every return, three driver calls that cost a tenth of a hit. As many are kept as
    hits have run at once (at most `keep`, one per waitress thread), each with its cursor.
    """

    def __init__(self, engine, keep: int = 8):
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"
        self.keep = keep
        self._compiled: dict = {}
        self._idle: queue.LifoQueue = queue.LifoQueue()
        event.listen(engine, "engine_disposed", lambda *_: self.close())

    def compile(self, key, statement) -> None:
        compiled = statement.compile(dialect=self.engine.dialect)
        self._compiled[key] = (str(compiled), compiled.construct_params(_check=False), compiled.positiontup)

    def __contains__(self, key) -> bool:
        return key in self._compiled

    def _connect(self) -> tuple:
        connection = self.engine.raw_connection()
        driver = connection.driver_connection
        # Ours alone from now on: never handed to a transaction, so it may stay in autocommit.
        connection.detach()
        if self.postgresql:
            driver.autocommit = True
        return connection, connection.cursor()

    def close(self) -> None:
        """Close the idle connections (the engine was disposed of, or the app is shutting down)."""
        while True:
            try:
                connection, _cursor = self._idle.get_nowait()
            except queue.Empty:
                return
            connection.close()

    @contextmanager
    def cursor(self):
        """A function running a compiled statement by key: (key, params) -> rows."""
        try:
            kept = self._idle.get_nowait()
        except queue.Empty:
            try:
                kept = self._connect()
            except self.engine.dialect.loaded_dbapi.Error:
                # The server is down or refusing: the full path gives the one answer about that.
                raise DatabaseUnavailable() from None
        connection, cursor = kept

        def run(key, params: dict) -> list:
            sql, defaults, positions = self._compiled[key]
            named = {**defaults, **params}
            # SQLite's driver takes them by name; the PostgreSQL statement by position.
            cursor.execute(sql, named if positions is None else [named[name] for name in positions])
            return cursor.fetchall()

        try:
            yield run
        except self.engine.dialect.loaded_dbapi.Error:
            # Never reuse a connection that failed (most likely one the server dropped).
            connection.close()
            raise DatabaseUnavailable() from None
        except BaseException:
            # Nor one a failure of the caller's left in an unknown state.
            connection.close()
            raise
        if self._idle.qsize() < self.keep:
            self._idle.put(kept)
        else:
            connection.close()


def badge_statement(routes: tuple[str, ...]):
    """One statement counting the badges of `routes` (each a column), from their areas' statements."""
    return select(*navigation.badge_columns(routes, None))


def hit_statement(routes: tuple[str, ...]):
    """The hit's statement, with the badges of `routes` counted for the session's account as its last
    columns: a reviewer's hit is one round trip too."""
    if not routes:
        return HIT_QUERY
    session_account = (select(LoginSession.account_id).where(LoginSession.token_hash == bindparam("token_hash"))
                       .correlate(None).scalar_subquery())
    return HIT_QUERY.add_columns(*navigation.badge_columns(routes, session_account))


def _match(request, routes) -> tuple[str, str | None] | None:
    """(route name, page) of the shared page this request asks for, or None."""
    for route, param in routes:
        match = route.match(request.path_info)
        if match is not None:
            return route.name, None if param is None else match[param]
    return None


def _lookup(request, run, routes, cache, statements, expected: dict) -> Response | None:
    """The cached page for this request, or None (the tween then takes the full path)."""
    page = _match(request, routes)
    if page is None:
        return None
    token_hash = session_token_hash(request)
    if token_hash is None or _has_flash(request):
        return None
    guessed = expected.get(token_hash, ())
    hit_key = (HIT, guessed)
    if hit_key not in statements:
        statements.compile(hit_key, hit_statement(guessed))
    rows = run(hit_key, {"token_hash": token_hash})
    identity = identity_from_rows(request, rows)
    if identity is None:
        # Signed out, revoked or disabled: the full path refuses it.
        return None
    # Checked a moment ago: the full path need not ask again.
    request.__dict__["_identity"] = identity
    generation = rows[0][GENERATION_COLUMN]
    key = page_key(request, *page, identity)
    entry = cache.get(key)
    if entry is None or entry.generation != generation or _is_owner(identity, entry.document_id):
        cache.misses += 1
        if generation is not None:
            request.__dict__[PENDING] = (key, generation)
        return None
    badges = None
    if entry.badges == guessed:
        counts = rows[0][GENERATION_COLUMN + 1:]
    else:
        # Another page, or the reader's roles changed: counted apart this time, guessed right next time.
        if len(expected) >= _EXPECTED_BADGES_SIZE:
            expected.clear()
        expected[token_hash] = entry.badges
        counts = ()
        if entry.badges:
            if entry.badges not in statements:
                statements.compile(entry.badges, badge_statement(entry.badges))
            counts = run(entry.badges, {"account_id": identity.id})[0]
    if entry.badges:
        badges = dict(zip(entry.badges, counts, strict=True))
    cache.hits += 1
    return response_for(request, entry.parts, badges)


def page_cache_tween_factory(handler, registry):
    cache = registry.get(REGISTRY_KEY)
    if cache is None:
        return handler
    mapper = registry.getUtility(IRoutesMapper)
    routes = [(route, param) for name, param in ROUTES.items() if (route := mapper.get_route(name)) is not None]
    if not routes:
        return handler
    statements = RawStatements(registry["dbengine"])
    statements.compile((HIT, ()), HIT_QUERY)
    expected: dict = {}

    def page_cache_tween(request):
        if request.method != "GET" or request.query_string:
            return handler(request)
        try:
            with statements.cursor() as run:
                response = _lookup(request, run, routes, cache, statements, expected)
        except DatabaseUnavailable:
            response = None
        return handler(request) if response is None else response

    return page_cache_tween


def store(request, document_id: int | None, parts) -> bool:
    """Keep a page the view has just rendered, if the tween found it cacheable."""
    pending = request.__dict__.get(PENDING)
    cache = request.registry.get(REGISTRY_KEY)
    if pending is None or cache is None:
        return False
    key, generation = pending
    cache.put(key, Entry(generation, document_id, parts, shared_badges(parts)))
    return True


def cacheable(request, document_id: int | None = None) -> bool:
    """Whether the page (of `document_id`, else an index) may be shared with this reader's peers: not
    a document's owner's, and every badge the reader sees is covered by the generation or can be
    counted on a hit."""
    if PENDING not in request.__dict__ or _is_owner(request.identity, document_id):
        return False
    return all(item.route in COVERED_BADGES or item.badge_query is not None
               for item in navigation.visible_items(request) if item.badged)


def includeme(config):
    settings = config.get_settings()
    size = int(settings.get("cs_handbook.page_cache_size", 2000))
    watch(config.registry["dbsession_factory"])
    if size > 0:
        config.registry[REGISTRY_KEY] = PageCache(size)
    # Under the security headers (a hit gets them too), over pyramid_tm: a hit needs no transaction.
    config.add_tween("cs_handbook.services.documents_cache.page_cache_tween_factory",
                     under="cs_handbook.tweens.security_headers_tween_factory", over="pyramid_tm.tm_tween_factory")
