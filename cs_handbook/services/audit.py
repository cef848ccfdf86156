"""AuditService: append-only record of security-relevant events."""

from typing import Any

from sqlalchemy import func, select

from ..clock import Clock
from ..models.audit import AuditEvent


class AuditAction:
    """Every action the log records, kept together so the filter page can offer them all.

    Record with these names: a test reads every `record` call of the package (and of the helpers
    that pass an action on) and fails on an action that is not here or has no name in words.
    """

    SIGNIN = "signin"
    SIGNIN_FAILED = "signin.failed"
    SIGNIN_THROTTLED = "signin.throttled"
    SIGNOUT = "signout"
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 (an action name, not a password)
    PASSWORD_RESET = "password.reset"  # noqa: S105 (set by an admin)
    PERMISSION_DENIED = "permission.denied"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_ENABLED = "account.enabled"
    ROLE_GRANTED = "grant.added"
    ROLE_REVOKED = "grant.removed"
    ROSTER_IMPORTED = "roster.imported"
    SETTING_CHANGED = "setting.changed"
    TEAM_CREATED = "team.created"
    TEAM_UPDATED = "team.updated"
    POSITION_CREATED = "position.created"
    # Transcript QA (in words: views/qa/audit_words.py).
    QA_SCORED = "qa.scored"
    QA_RESCORED = "qa.rescored"
    QA_DISPUTED = "qa.disputed"
    QA_DISPUTE_DECIDED = "qa.dispute.decided"
    QA_RULES_CHANGED = "qa.rules.changed"
    # Quizzes (in words: views/quizzes/audit_words.py).
    QUIZ_CREATED = "quiz.created"
    QUIZ_SETTINGS_CHANGED = "quiz.settings_changed"
    QUIZ_KEY_FIXED = "quiz.key_fixed"
    QUIZ_ESSAY_MARKED = "quiz.essay_marked"
    QUIZ_BANK_IMPORTED = "quiz.bank_imported"
    QUIZ_QUESTION_DELETED = "quiz.question_deleted"

    @classmethod
    def all(cls) -> list[str]:
        return sorted(v for k, v in vars(cls).items() if k.isupper())


class AuditService:
    def __init__(self, dbsession, clock: Clock, session_factory=None):
        self.dbsession = dbsession
        self.clock = clock
        self.session_factory = session_factory

    def _event(self, action, actor=None, actor_name="", target_type="", target_id="", detail=None, ip=""):
        return AuditEvent(
            at=self.clock.now(),
            actor_id=actor.id if actor is not None else None,
            actor_name=actor.username if actor is not None else actor_name,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else "",
            detail=detail or {},
            ip=ip or "",
        )

    def record(self, action: str, **kwargs: Any) -> AuditEvent:
        """Record an event inside the current transaction (it lands with the change)."""
        event = self._event(action, **kwargs)
        self.dbsession.add(event)
        return event

    def record_now(self, action: str, **kwargs: Any) -> None:
        """Record an event in its own transaction.

        For events whose request is rolled back (a permission denial is an
        exception, and pyramid_tm aborts on exceptions) but must be kept.
        """
        event = self._event(action, **kwargs)
        with self.session_factory() as session, session.begin():
            session.add(event)

    def search(self, action=None, actor_name=None, since=None, until=None, ip=None, target_account_id=None,
               limit=50, offset=0):
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if action:
            query = query.where(AuditEvent.action == action)
        if actor_name:
            # Part of a username, in any case: "wang" finds wang.li and xiaowang.
            query = query.where(func.lower(AuditEvent.actor_name).contains(actor_name.lower(), autoescape=True))
        if ip:
            query = query.where(AuditEvent.ip == ip)
        if target_account_id is not None:
            query = query.where(AuditEvent.target_type == "account", AuditEvent.target_id == str(target_account_id))
        if since:
            query = query.where(AuditEvent.at >= since)
        if until:
            query = query.where(AuditEvent.at < until)
        return list(self.dbsession.scalars(query.limit(limit).offset(offset)))


def factory(context, request):
    return AuditService(
        request.dbsession,
        request.find_service(Clock),
        session_factory=request.registry["dbsession_factory"],
    )


def includeme(config):
    config.register_service_factory(factory, AuditService)
