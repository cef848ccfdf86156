"""The one security policy: identity from a revocable session, principals, ACLs, CSRF.

Principals of a signed-in account:

- `system.Authenticated` and `u:<id>`;
- `role:<name>` for each global role, and `role:mentor` if they mentor anyone;
- `grant:<role>:<scope>:<id>` for each scoped grant (manager of a team,
  mentor of a person, owner of a course …);
- `team:<id>` for the team they belong to.
"""

import hashlib
import secrets
import string
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import BaseCookieSessionFactory, JSONSerializer
from sqlalchemy import bindparam, select
from webob.cookies import SignedSerializer

from .clock import Clock, request_now
from .models.accounts import Account, Grant, LoginSession, Scope, ScopedRole

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
# When the signed-in browser was last seen (Clock time, epoch seconds): the
# idle timeout. It lives in the signed cookie, so it cannot be forged and
# costs no write per request; it is renewed at most every tenth of the timeout.
SESSION_SEEN_KEY = "seen"

# One query answers "who is this": the live session, its active account and
# every grant (one row per grant). It is a Core statement on purpose: it
# runs on every signed-in request, and building ORM objects cost more than
# the query itself. The ORM account is loaded only when a view asks for it.
IDENTITY_QUERY = (
    select(LoginSession.id, Account.id, Account.display_name, Account.language, Account.team_id,
           LoginSession.created_at, Grant.role, Grant.scope_type, Grant.scope_id)
    .join(Account, Account.id == LoginSession.account_id)
    .outerjoin(Grant, Grant.account_id == Account.id)
    .where(LoginSession.token_hash == bindparam("token_hash"), LoginSession.revoked_at.is_(None),
           Account.is_active.is_(True))
)


def hash_token(token: str) -> str:
    # Only a hash is stored, so a leaked database does not hand out sessions.
    return hashlib.sha256(token.encode()).hexdigest()


class Identity:
    """The signed-in person, as the views and templates see them.

    `account` and `login_session` are ORM objects loaded on first use, in
    the request's transaction: most pages need only the id, name, language
    and principals, which come from the identity query.
    """

    def __init__(self, request, *, account_id: int, display_name: str, language: str, team_id: int | None,
                 login_session_id: int, principals: list[str]):
        self.request = request
        self.id = account_id
        self.display_name = display_name
        self.language = language
        self.team_id = team_id
        self.login_session_id = login_session_id
        self.principals = principals

    @property
    def account(self) -> Account:
        if "account" not in self.__dict__:
            self.__dict__["account"] = self.request.dbsession.get(Account, self.id)
        return self.__dict__["account"]

    @property
    def login_session(self) -> LoginSession:
        if "login_session" not in self.__dict__:
            self.__dict__["login_session"] = self.request.dbsession.get(LoginSession, self.login_session_id)
        return self.__dict__["login_session"]

    def has_role(self, role: str) -> bool:
        return f"role:{role}" in self.principals


def _principals(account_id: int, team_id: int | None, grants) -> list[str]:
    principals = [Authenticated, f"u:{account_id}"]
    for role, scope_type, scope_id in grants:
        principals.append(f"role:{role}" if scope_type == Scope.SITE else f"grant:{role}:{scope_type}:{scope_id}")
        if role == ScopedRole.MENTOR and scope_type == Scope.ACCOUNT:
            principals.append("role:mentor")
    if team_id:
        principals.append(f"team:{team_id}")
    return sorted(set(principals))


def _as_utc(value) -> datetime:
    # The page cache runs the query on a bare DBAPI cursor: SQLite then gives
    # the stored text, PostgreSQL a naive datetime; the ORM an aware one.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def session_is_current(request, created_at) -> bool:
    """Whether a login session is within its lifetime and the browser was not idle too long.

    Renews the idle stamp in the cookie when a tenth of the timeout has passed.
    """
    settings = request.registry.settings
    now = request_now(request)
    if now - _as_utc(created_at) > timedelta(seconds=settings["cs_handbook.session_max_age"]):
        return False
    idle_timeout = settings["cs_handbook.session_idle_timeout"]
    seen = request.session.get(SESSION_SEEN_KEY)
    if not isinstance(seen, int | float) or now.timestamp() - seen > idle_timeout:
        return False
    if now.timestamp() - seen > idle_timeout / 10:
        request.session[SESSION_SEEN_KEY] = int(now.timestamp())
    return True


def identity_from_rows(request, rows) -> Identity | None:
    """An Identity from the rows of IDENTITY_QUERY (none: signed out, revoked, disabled or expired)."""
    if not rows:
        return None
    session_id, account_id, display_name, language, team_id, created_at = rows[0][:6]
    if not session_is_current(request, created_at):
        return None
    # Callers may add columns after the grant's three (the page cache adds its generation).
    grants = [row[6:9] for row in rows if row[6] is not None]
    return Identity(request, account_id=account_id, display_name=display_name, language=language, team_id=team_id,
                    login_session_id=session_id, principals=_principals(account_id, team_id, grants))


def same_site_path(target: str) -> str | None:
    """`target` if it is a path on this site, fit for a Location header; else None.

    Only same-site paths: an open redirect (`//evil.example`, `/\\evil`)
    would make our sign-in page a phishing tool, and a CR/LF would split
    the header. Anything outside printable ASCII is percent-encoded.
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    return quote(target, safe=string.punctuation)


def settle_identity(request) -> None:
    """From now on this request's identity is whatever is known already; never ask the database.

    For the error page after a failure: a request whose identity was not
    loaded yet is treated as signed out.
    """
    request.__dict__.setdefault("_identity", None)


def session_token_hash(request) -> str | None:
    token = request.session.get(SESSION_TOKEN_KEY)
    return hash_token(token) if token else None


class SecurityPolicy:
    def __init__(self):
        self.acl = ACLHelper()

    def identity(self, request) -> Identity | None:
        # Cached per request: every permission check and template reads it.
        if "_identity" in request.__dict__:
            return request.__dict__["_identity"]
        found = self._load_identity(request)
        request.__dict__["_identity"] = found
        return found

    def _load_identity(self, request) -> Identity | None:
        token_hash = session_token_hash(request)
        if token_hash is None:
            return None
        rows = request.dbsession.connection().execute(IDENTITY_QUERY, {"token_hash": token_hash}).all()
        return identity_from_rows(request, rows)

    def authenticated_userid(self, request):
        identity = self.identity(request)
        return identity.id if identity else None

    def effective_principals(self, request) -> list[str]:
        identity = self.identity(request)
        if identity is None:
            return [Everyone]
        return [Everyone, *identity.principals]

    def permits(self, request, context, permission):
        return self.acl.permits(context, self.effective_principals(request), permission)

    def remember(self, request, userid, **kw):
        """Start a new session for `userid`: rotate the cookie and CSRF token.

        Signing in again while signed in ends the session the browser had.
        """
        token = secrets.token_urlsafe(32)
        now = request.find_service(Clock).now()
        previous = self.identity(request)
        if previous is not None:
            previous.login_session.revoked_at = now
        request.dbsession.add(
            LoginSession(token_hash=hash_token(token), account_id=userid, created_at=now, ip=request.client_addr)
        )
        # A fresh session id defeats session fixation; a fresh CSRF token
        # means a token seen before sign-in is useless after it.
        request.session.invalidate()
        request.session[SESSION_TOKEN_KEY] = token
        request.session[SESSION_SEEN_KEY] = int(now.timestamp())
        request.session.new_csrf_token()
        request.__dict__.pop("_identity", None)
        return []

    def forget(self, request, **kw):
        identity = self.identity(request)
        if identity is not None:
            identity.login_session.revoked_at = request.find_service(Clock).now()
        request.session.invalidate()
        request.__dict__["_identity"] = None
        return []


class _Bytes:
    """The identity serializer: what webob's signed serializer signs is already bytes."""

    @staticmethod
    def dumps(value: bytes) -> bytes:
        return value

    @staticmethod
    def loads(value: bytes) -> bytes:
        return value


class RememberingSignedSerializer:
    """The session cookie's serializer: JSON signed by webob's `SignedSerializer` (as Pyramid's
    `SignedCookieSessionFactory` makes it, same salt and algorithm), remembering which cookies
    it has verified.

    A signed-in browser sends the same cookie on every request until it is re-signed (at most
    every tenth of its lifetime), and checking its HMAC-SHA512 again each time was a tenth of
    a cached page's time. Only cookies whose signature held are kept, as the bytes that were
    signed; each request decodes them afresh, so no two requests share a session's objects.
    """

    def __init__(self, secret: str, salt: str = "pyramid.session.", hashalg: str = "sha512", size: int = 4096):
        self.json = JSONSerializer()
        self.signed = SignedSerializer(secret, salt, hashalg, serializer=_Bytes())
        # webob raises ValueError for a bad cookie; lru_cache keeps no failures.
        self._verified = lru_cache(maxsize=size)(self.signed.loads)

    def dumps(self, appstruct) -> bytes:
        return self.signed.dumps(self.json.dumps(appstruct))

    def loads(self, bstruct: bytes):
        return self.json.loads(self._verified(bstruct))


def includeme(config):
    settings = config.get_settings()
    session_factory = BaseCookieSessionFactory(
        RememberingSignedSerializer(settings["cs_handbook.secret"]),
        cookie_name="cs_session",
        secure=settings["cs_handbook.secure_cookies"],
        httponly=True,
        samesite="Lax",
        # The lifetimes that count are checked with the login session
        # (session_is_current); these only bound the cookie itself.
        max_age=settings["cs_handbook.session_max_age"],
        timeout=settings["cs_handbook.session_max_age"],
        # Re-sign the cookie at most every tenth of its lifetime, not on every
        # request that reads it.
        reissue_time=settings["cs_handbook.session_max_age"] // 10,
    )
    config.set_session_factory(session_factory)
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(SecurityPolicy())
