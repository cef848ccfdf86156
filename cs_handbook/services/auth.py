"""AuthService: checks a sign-in against the password and the rate limit; ends and purges login sessions."""

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from ..clock import Clock
from ..models.accounts import Account, LoginAttempt, LoginSession
from ..passwords import hash_password, needs_rehash, verify_password
from .audit import AuditAction, AuditService


class SignInOutcome(enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad-credentials"
    THROTTLED = "throttled"


@dataclass
class SignInResult:
    outcome: SignInOutcome
    account: Account | None = None


class AuthService:
    def __init__(self, dbsession, clock: Clock, audit: AuditService, failure_limit: int, failure_window: int,
                 session_lifetime: int = 12 * 3600):
        self.dbsession = dbsession
        self.clock = clock
        self.audit = audit
        self.failure_limit = failure_limit
        self.failure_window = timedelta(seconds=failure_window)
        self.session_lifetime = timedelta(seconds=session_lifetime)

    def is_throttled(self, username: str, ip: str) -> bool:
        since = self.clock.now() - self.failure_window
        # Counted per account and per address: one address guessing many
        # accounts is stopped as surely as many addresses guessing one.
        by_user = self.dbsession.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.username == username, LoginAttempt.at >= since)
        )
        by_ip = self.dbsession.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
        )
        return max(by_user, by_ip) >= self.failure_limit

    def sign_in(self, username: str, password: str, ip: str) -> SignInResult:
        username = username.strip().lower()[:64]
        if self.is_throttled(username, ip):
            self.audit.record(AuditAction.SIGNIN_THROTTLED, actor_name=username, ip=ip)
            return SignInResult(SignInOutcome.THROTTLED)
        account = self.dbsession.scalar(select(Account).where(Account.username == username))
        password_ok = verify_password(account.password_hash if account else None, password)
        if account is None or not password_ok or not account.is_active:
            self.dbsession.add(LoginAttempt(username=username, ip=ip, at=self.clock.now()))
            self.audit.record(
                AuditAction.SIGNIN_FAILED, actor_name=username, ip=ip,
                detail={"reason": "disabled" if account is not None and password_ok else "credentials"},
            )
            return SignInResult(SignInOutcome.BAD_CREDENTIALS)
        if needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        self.audit.record(AuditAction.SIGNIN, actor=account, target_type="account", target_id=account.id, ip=ip)
        return SignInResult(SignInOutcome.OK, account)

    def end_sessions(self, account_id: int, keep_session_id: int | None = None) -> int:
        """Sign the account out everywhere (but in `keep_session_id`): after a password change or reset.

        Returns how many sessions ended.
        """
        result = self.dbsession.execute(
            update(LoginSession)
            .where(LoginSession.account_id == account_id, LoginSession.revoked_at.is_(None),
                   LoginSession.id != (keep_session_id or 0))
            .values(revoked_at=self.clock.now())
        )
        return result.rowcount

    def purge_old_attempts(self) -> int:
        """Forget failures older than the window (the housekeeping command calls this)."""
        result = self.dbsession.execute(
            delete(LoginAttempt).where(LoginAttempt.at < self.clock.now() - self.failure_window)
        )
        return result.rowcount

    def purge_ended_sessions(self) -> int:
        """Delete login sessions that can no longer sign anyone in: ended, or past their lifetime.

        A session idle for too long is refused by the idle stamp in its
        cookie; its row goes once its lifetime is over too.
        """
        too_old = LoginSession.created_at < self.clock.now() - self.session_lifetime
        result = self.dbsession.execute(delete(LoginSession).where(LoginSession.revoked_at.is_not(None) | too_old))
        return result.rowcount


def factory(context, request):
    settings = request.registry.settings
    return AuthService(
        request.dbsession,
        request.find_service(Clock),
        request.find_service(AuditService),
        failure_limit=settings["cs_handbook.login_failure_limit"],
        failure_window=settings["cs_handbook.login_failure_window"],
        session_lifetime=settings["cs_handbook.session_max_age"],
    )


def includeme(config):
    config.register_service_factory(factory, AuthService)
