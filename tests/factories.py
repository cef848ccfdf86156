"""factory_boy factories over the models; traits instead of hand-built fixtures.

The session is set per test by the `dbsession` fixture; objects are
committed so that requests made through WebTest see them.
"""

from datetime import UTC, date, datetime

import factory
from factory.alchemy import SQLAlchemyModelFactory

from cs_handbook.models.accounts import Account, GlobalRole, Grant, Position, Scope, ScopedRole, Team
from cs_handbook.passwords import hash_password

DEFAULT_PASSWORD = "correct-horse-123"
# Hashing with argon2 costs tens of milliseconds: hash once per run.
_DEFAULT_HASH = hash_password(DEFAULT_PASSWORD)

_session = None


def set_session(session) -> None:
    global _session
    _session = session


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: _session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


def now():
    return datetime.now(UTC)


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"客服{n}组")
    timezone = "Asia/Shanghai"


class PositionFactory(BaseFactory):
    class Meta:
        model = Position
        sqlalchemy_get_or_create = ("code",)

    code = "cs-agent"
    name = "客户服务人员"


class AccountFactory(BaseFactory):
    class Meta:
        model = Account

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password_hash = _DEFAULT_HASH
    language = "zh_CN"
    is_active = True
    created_at = factory.LazyFunction(now)
    team = None
    position = None
    start_date = None

    class Params:
        new_hire = factory.Trait(
            position=factory.SubFactory(PositionFactory),
            team=factory.SubFactory(TeamFactory),
            start_date=factory.LazyFunction(date.today),
        )
        disabled = factory.Trait(is_active=False)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or ():
            obj.grants.append(Grant(role=GlobalRole(role), scope_type=Scope.SITE, scope_id=0, created_at=now()))
        if create and extracted:
            _session.commit()


class GrantFactory(BaseFactory):
    class Meta:
        model = Grant

    account = factory.SubFactory(AccountFactory)
    role = ScopedRole.MANAGER
    scope_type = Scope.TEAM
    scope_id = 0
    created_at = factory.LazyFunction(now)


def make_mentor(mentor: Account, mentee: Account) -> None:
    """Pair a mentor and a new hire the way the app does (field and grant)."""
    mentee.mentor_id = mentor.id
    _session.add(Grant(account_id=mentor.id, role=ScopedRole.MENTOR, scope_type=Scope.ACCOUNT,
                       scope_id=mentee.id, created_at=now()))
    _session.commit()


def make_team_manager(manager: Account, team: Team) -> None:
    _session.add(Grant(account_id=manager.id, role=ScopedRole.MANAGER, scope_type=Scope.TEAM,
                       scope_id=team.id, created_at=now()))
    _session.commit()
