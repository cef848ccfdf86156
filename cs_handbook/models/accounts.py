"""Staff accounts, teams, positions, role grants and sign-in sessions."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class GlobalRole(enum.StrEnum):
    """Site-wide roles; every signed-in account is also plain staff."""

    ADMIN = "admin"
    MANAGER = "manager"
    QA = "qa"
    REVIEWER = "reviewer"
    TRAINER = "trainer"


class ScopedRole(enum.StrEnum):
    """Roles held over one thing only (Plone's local roles)."""

    MANAGER = "manager"  # of a team
    MENTOR = "mentor"  # of a person
    OWNER = "owner"  # of a document or a course


class Scope(enum.StrEnum):
    SITE = "site"
    TEAM = "team"
    ACCOUNT = "account"
    DOCUMENT = "document"
    COURSE = "course"


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The drill's day boundary and the QA sample day follow the team's zone (given when the team is
    # made: the site's zone unless the admin picks another, see zones.py).
    timezone: Mapped[str] = mapped_column(String(64))


class Position(Base):
    """A job position (岗位); its role profile document shares the code."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    start_date: Mapped[date | None]
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    position: Mapped[Position | None] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")
    mentor: Mapped["Account | None"] = relationship(remote_side=[id])
    grants: Mapped[list["Grant"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", foreign_keys="Grant.account_id"
    )

    @property
    def global_roles(self) -> set[str]:
        return {g.role for g in self.grants if g.scope_type == Scope.SITE}

    def __repr__(self) -> str:
        return f"<Account {self.username}>"


class Grant(Base):
    """One flat table of role grants: global (scope "site") and scoped ones.

    (account, role, scope_type, scope_id) expands into the principal
    `grant:<role>:<scope_type>:<scope_id>`; a site grant into `role:<role>`.
    """

    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("account_id", "role", "scope_type", "scope_id", name="uq_grants_identity"),
        Index("ix_grants_scope", "scope_type", "scope_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    scope_type: Mapped[str] = mapped_column(String(32), default=Scope.SITE)
    # 0 for site grants: a NULL would defeat the unique constraint.
    scope_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    account: Mapped[Account] = relationship(back_populates="grants", foreign_keys=[account_id])

    @property
    def principal(self) -> str:
        if self.scope_type == Scope.SITE:
            return f"role:{self.role}"
        return f"grant:{self.role}:{self.scope_type}:{self.scope_id}"


class LoginSession(Base):
    """Server-side record of a signed-in browser, so a session can be revoked.

    The signed cookie carries only the token; deleting or revoking this row
    (sign-out, account disabled) makes a copied cookie worthless.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))

    account: Mapped[Account] = relationship(lazy="joined")


class LoginAttempt(Base):
    """Failed sign-ins, counted for the rate limit (shared by all processes)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
