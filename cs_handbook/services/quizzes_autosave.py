"""The autosave's direct path: a save stored in one short transaction before the router.

Autosave is the site's most frequent write (a quiz page sends one every few
answers), so, like Moodle's lean `autosave.ajax.php`, it skips the machinery
a page needs: no view lookup, ORM session or transaction manager. The tween
below takes a save through the same checks, with the same code, as the
full path:

- CSRF with the site's default options (`IDefaultCSRFOptions`), as
  Pyramid's `csrf_view` derivation checks them;
- the identity with the security policy's own query and rules
  (`security.identity_from_rows`), on this transaction's connection;
- `quizzes:take` through the security policy against the attempt's own ACL
  (`AttemptResource`, built from the same owner query);
- the answers with `quizzes.store_answers`, the function the full path runs.

It answers only a save that is wholly stored. Anything else (no or a
revoked session, a bad token, someone else's attempt, a finished attempt,
an answer of the wrong shape, a save older than the stored one, a database
error) rolls its transaction back and passes the request on unchanged to
the full path, which gives the one authoritative answer. The direct path
can therefore make a save faster but never answer differently.
"""

import json
from typing import NamedTuple

from pyramid.csrf import check_csrf_origin, check_csrf_token
from pyramid.interfaces import IDefaultCSRFOptions, IRoutesMapper, ISecurityPolicy
from pyramid.response import Response
from sqlalchemy.exc import SQLAlchemyError

from ..clock import request_now
from ..ids import parse_id
from ..models import sqlite_write_intent
from ..permissions import Permission
from ..resources.quizzes import OWNER_QUERY, AttemptResource
from ..security import IDENTITY_QUERY, identity_from_rows, session_token_hash
from .quizzes import QuizError, store_answers

ROUTE = "quizzes.save"
REGISTRY_KEY = "quizzes_autosave"


class Counts:
    """How many saves took the direct path and how many were passed on (the tests read them).

    Not locked: under concurrent requests an increment may be lost, which a diagnostic count can bear.
    """

    def __init__(self):
        self.direct = self.passed_on = 0


class Csrf(NamedTuple):
    token: str | None
    header: str | None
    check_origin: bool
    allow_no_origin: bool


def _csrf_options(registry) -> Csrf:
    defaults = registry.queryUtility(IDefaultCSRFOptions)
    return Csrf(defaults.token, defaults.header, defaults.check_origin, defaults.allow_no_origin)


def _csrf_ok(request, csrf: Csrf) -> bool:
    if csrf.check_origin and not check_csrf_origin(request, raises=False, allow_no_origin=csrf.allow_no_origin):
        return False
    return check_csrf_token(request, csrf.token, csrf.header, raises=False)


def _body(request, max_body: int) -> dict | None:
    if request.content_length is None or request.content_length > max_body:
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _stored(request, connection, attempt_id: int, body: dict) -> dict | None:
    """Save `body` in the transaction of `connection`: {position: True} when every answer was stored, else None."""
    token_hash = session_token_hash(request)
    if token_hash is None:
        return None
    identity = identity_from_rows(request, connection.execute(IDENTITY_QUERY, {"token_hash": token_hash}).all())
    if identity is None:
        return None
    # Checked a moment ago: a request passed on to the full path need not ask again.
    request.__dict__["_identity"] = identity
    owner = connection.execute(OWNER_QUERY, {"attempt_id": attempt_id}).first()
    if owner is None:
        return None
    policy = request.registry.getUtility(ISecurityPolicy)
    if not policy.permits(request, AttemptResource(request, owner), Permission.QUIZZES_TAKE):
        return None
    now = request_now(request)
    try:
        stored = store_answers(connection, now, attempt_id, body.get("answers"), body.get("seq"))
    except QuizError:
        return None
    # A save older than the stored one is answered with what is stored: the full path's reply.
    return stored if stored and all(stored.values()) else None


def autosave_tween_factory(handler, registry):
    route = registry.getUtility(IRoutesMapper).get_route(ROUTE)
    if route is None:
        return handler
    engine = registry["dbengine"]
    csrf = _csrf_options(registry)
    max_body = registry.settings["cs_handbook.max_body_bytes"]
    counts = registry[REGISTRY_KEY] = Counts()

    def direct(request, match) -> Response | None:
        attempt_id = parse_id(match["attempt_id"])
        # Tests may hand the app a session of their own; only the full path uses it.
        if attempt_id is None or "app.dbsession" in request.environ or not _csrf_ok(request, csrf):
            return None
        body = _body(request, max_body)
        if body is None:
            return None
        intent = sqlite_write_intent.set(True)
        try:
            with engine.connect() as connection:
                transaction = connection.begin()
                stored = _stored(request, connection, attempt_id, body)
                if stored is None:
                    transaction.rollback()
                    return None
                transaction.commit()
        except SQLAlchemyError:
            # Locked, disconnected, a deadlock: the full path retries such failures.
            return None
        finally:
            sqlite_write_intent.reset(intent)
        reply = {"saved": {str(position): True for position in stored}, "seq": body["seq"]}
        return Response(body=json.dumps(reply).encode(), content_type="application/json", charset=None)

    def autosave_tween(request):
        match = route.match(request.path_info) if request.method == "POST" else None
        if match is None:
            return handler(request)
        response = direct(request, match)
        if response is None:
            counts.passed_on += 1
            return handler(request)
        counts.direct += 1
        return response

    return autosave_tween


def includeme(config):
    # Under the security headers (the reply gets them too), over pyramid_tm: it needs no transaction manager.
    config.add_tween("cs_handbook.services.quizzes_autosave.autosave_tween_factory",
                     under="cs_handbook.tweens.security_headers_tween_factory", over="pyramid_tm.tm_tween_factory")
