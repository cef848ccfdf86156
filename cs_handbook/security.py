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
from dataclasses import dataclass, field

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import JSONSerializer, SignedCookieSessionFactory
from sqlalchemy import select

from .clock import Clock
from .models.accounts import Account, LoginSession, Scope, ScopedRole

SESSION_TOKEN_KEY = "sid"


def hash_token(token: str) -> str:
    # Only a hash is stored, so a leaked database does not hand out sessions.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Identity:
    """The signed-in person, as the views and templates see them."""

    account: Account
    login_session: LoginSession
    principals: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.account.id

    def has_role(self, role: str) -> bool:
        return f"role:{role}" in self.principals


def principals_for(account: Account) -> list[str]:
    principals = [Authenticated, f"u:{account.id}"]
    for grant in account.grants:
        principals.append(grant.principal)
        if grant.role == ScopedRole.MENTOR and grant.scope_type == Scope.ACCOUNT:
            principals.append("role:mentor")
    if account.team_id:
        principals.append(f"team:{account.team_id}")
    return sorted(set(principals))


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
        token = request.session.get(SESSION_TOKEN_KEY)
        if not token:
            return None
        login_session = request.dbsession.scalar(
            select(LoginSession).where(LoginSession.token_hash == hash_token(token))
        )
        if login_session is None or login_session.revoked_at is not None:
            return None
        account = login_session.account
        if not account.is_active:
            return None
        return Identity(account=account, login_session=login_session, principals=principals_for(account))

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
        """Start a new session for `userid`: rotate the cookie and CSRF token."""
        token = secrets.token_urlsafe(32)
        now = request.find_service(Clock).now()
        request.dbsession.add(
            LoginSession(token_hash=hash_token(token), account_id=userid, created_at=now, ip=request.client_addr)
        )
        # A fresh session id defeats session fixation; a fresh CSRF token
        # means a token seen before sign-in is useless after it.
        request.session.invalidate()
        request.session[SESSION_TOKEN_KEY] = token
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


def includeme(config):
    settings = config.get_settings()
    session_factory = SignedCookieSessionFactory(
        settings["cs_handbook.secret"],
        cookie_name="cs_session",
        secure=settings["cs_handbook.secure_cookies"],
        httponly=True,
        samesite="Lax",
        max_age=settings["cs_handbook.session_max_age"],
        timeout=settings["cs_handbook.session_max_age"],
        serializer=JSONSerializer(),
    )
    config.set_session_factory(session_factory)
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(SecurityPolicy())
