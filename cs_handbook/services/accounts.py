"""AccountService: staff accounts, teams, positions, grants and the roster import."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..i18n import _
from ..models.accounts import Account, GlobalRole, Grant, LoginSession, Position, Scope, ScopedRole, Team
from ..passwords import hash_password, verify_password
from ..zones import site_zone_name
from .audit import AuditAction, AuditService
from .grant_targets import GrantTargets, kind_of

LANGUAGES = ("zh_CN", "en")


class AccountError(ValueError):
    """A change refused for a reason the user can fix; `msgid` is translatable."""

    def __init__(self, msgid: str, mapping=None):
        super().__init__(msgid)
        self.msgid = msgid
        self.mapping = mapping or {}


class AccountService:
    def __init__(self, dbsession, clock: Clock, audit: AuditService, account_changed_hooks=()):
        self.dbsession = dbsession
        self.clock = clock
        self.audit = audit
        # Other areas react to account changes (training enrols on position
        # and start date); they register a callable with `on_account_changed`.
        self.account_changed_hooks = account_changed_hooks

    # -- look-ups --------------------------------------------------------

    def by_id(self, account_id: int) -> Account | None:
        return self.dbsession.get(Account, account_id)

    def by_username(self, username: str) -> Account | None:
        return self.dbsession.scalar(select(Account).where(Account.username == username.strip().lower()))

    def search(self, query: str = "", team_id: int | None = None, active: bool | None = None) -> list[Account]:
        stmt = select(Account).options(selectinload(Account.grants)).order_by(Account.username)
        if query:
            like = f"%{query.strip().lower()}%"
            stmt = stmt.where(func.lower(Account.username).like(like) | Account.display_name.like(f"%{query}%"))
        if team_id:
            stmt = stmt.where(Account.team_id == team_id)
        if active is not None:
            stmt = stmt.where(Account.is_active.is_(active))
        return list(self.dbsession.scalars(stmt))

    def names(self) -> list[tuple[int, str, str]]:
        """(id, display name, username) of every account, by username: for pick lists."""
        return [tuple(row) for row in self.dbsession.execute(
            select(Account.id, Account.display_name, Account.username).order_by(Account.username))]

    def teams(self) -> list[Team]:
        return list(self.dbsession.scalars(select(Team).order_by(Team.name)))

    def positions(self) -> list[Position]:
        return list(self.dbsession.scalars(select(Position).order_by(Position.code)))

    def team_by_name(self, name: str) -> Team | None:
        return self.dbsession.scalar(select(Team).where(Team.name == name))

    def position_by_code(self, code: str) -> Position | None:
        return self.dbsession.scalar(select(Position).where(Position.code == code))

    def team_by_id(self, team_id: int) -> Team | None:
        return self.dbsession.get(Team, team_id)

    def add_team(self, name: str, timezone: str, actor=None, ip="") -> Team:
        if self.team_by_name(name) is not None:
            raise AccountError(_("A team with this name already exists."))
        team = self.ensure_team(name, timezone)
        self.audit.record(AuditAction.TEAM_CREATED, actor=actor, target_type="team", target_id=team.id,
                          detail={"name": name, "timezone": timezone}, ip=ip)
        return team

    def update_team(self, team: Team, name: str, timezone: str, actor=None, ip="") -> None:
        other = self.team_by_name(name)
        if other is not None and other.id != team.id:
            raise AccountError(_("A team with this name already exists."))
        changes = {field: [getattr(team, field), value] for field, value in (("name", name), ("timezone", timezone))
                   if getattr(team, field) != value}
        if not changes:
            return
        team.name, team.timezone = name, timezone
        self.dbsession.flush()
        self.audit.record(AuditAction.TEAM_UPDATED, actor=actor, target_type="team", target_id=team.id,
                          detail={"changes": changes}, ip=ip)

    def add_position(self, code: str, name: str, actor=None, ip="") -> Position:
        if self.position_by_code(code) is not None:
            raise AccountError(_("A position with this code already exists."))
        position = self.ensure_position(code, name)
        self.audit.record(AuditAction.POSITION_CREATED, actor=actor, target_type="position", target_id=position.id,
                          detail={"code": code, "name": name}, ip=ip)
        return position

    def ensure_team(self, name: str, timezone: str | None = None) -> Team:
        """The team of this name, made (in `timezone`, else the site's zone) if there is none."""
        team = self.team_by_name(name)
        if team is None:
            team = Team(name=name, timezone=timezone or site_zone_name(self.dbsession))
            self.dbsession.add(team)
            self.dbsession.flush()
        return team

    def ensure_position(self, code: str, name: str) -> Position:
        position = self.position_by_code(code)
        if position is None:
            position = Position(code=code, name=name)
            self.dbsession.add(position)
            self.dbsession.flush()
        elif position.name != name:
            position.name = name
        return position

    # -- changes ---------------------------------------------------------

    def create(self, *, username, display_name, password, actor=None, ip="", **fields) -> Account:
        username = username.strip().lower()
        if self.by_username(username) is not None:
            raise AccountError(_("The username ${username} is taken."), {"username": username})
        account = Account(
            username=username,
            display_name=display_name.strip(),
            password_hash=hash_password(password),
            created_at=self.clock.now(),
            language=fields.pop("language", None) or "zh_CN",
        )
        self.dbsession.add(account)
        self._apply(account, fields)
        self.dbsession.flush()
        self.audit.record(
            AuditAction.ACCOUNT_CREATED, actor=actor, target_type="account", target_id=account.id,
            detail={"username": username}, ip=ip,
        )
        self._changed(account, {"position_id": None, "start_date": None})
        return account

    def update(self, account: Account, *, actor=None, ip="", **fields) -> None:
        before = {"position_id": account.position_id, "start_date": account.start_date}
        changes = self._apply(account, fields, actor=actor, ip=ip)
        if changes:
            # Old and new values, so the log answers "what was it before?" (never passwords: not a field here).
            self.audit.record(
                AuditAction.ACCOUNT_UPDATED, actor=actor, target_type="account", target_id=account.id,
                detail={"changes": {name: [_loggable(old), _loggable(new)] for name, (old, new) in changes.items()}},
                ip=ip,
            )
            self._changed(account, before)

    def assign_mentor(self, mentee: Account, mentor_id: int | None, *, actor=None, ip="") -> None:
        """Make `mentor_id` the mentee's mentor (None: no mentor), as a grant on the mentor."""
        if mentor_id is not None and mentor_id == mentee.id:
            raise AccountError(_("A person cannot be their own mentor."))
        if mentor_id != mentee.mentor_id:
            self._set_mentor(mentee, mentor_id, actor=actor, ip=ip)

    def _apply(self, account: Account, fields: dict, actor=None, ip="") -> dict[str, tuple]:
        """Set the fields; return {name: (old, new)} of those that changed."""
        changes = {}
        if "mentor_id" in fields:
            mentor_id = fields.pop("mentor_id")
            if mentor_id == account.id and mentor_id is not None:
                raise AccountError(_("A person cannot be their own mentor."))
            if mentor_id != account.mentor_id:
                changes["mentor_id"] = (account.mentor_id, mentor_id)
                self._set_mentor(account, mentor_id, actor=actor, ip=ip)
        if "language" in fields and fields["language"] not in LANGUAGES:
            raise AccountError(_("Unknown language."))
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            old = getattr(account, name)
            if old != value:
                setattr(account, name, value)
                changes[name] = (old, value)
        return changes

    def _set_mentor(self, account: Account, mentor_id: int | None, actor=None, ip="") -> None:
        # The mentor field and the mentor grant say the same thing; keeping
        # them in step here is what lets the ACLs rely on the grant alone.
        # Checked before anything changes, so a refusal leaves nothing half-done.
        if mentor_id:
            mentor = self.by_id(mentor_id)
            if mentor is None or not mentor.is_active:
                raise AccountError(_("The mentor must be an active account."))
        if account.id is None:
            self.dbsession.flush()
        if account.mentor_id:
            old = self.dbsession.scalar(
                select(Grant).where(
                    Grant.account_id == account.mentor_id,
                    Grant.role == ScopedRole.MENTOR,
                    Grant.scope_type == Scope.ACCOUNT,
                    Grant.scope_id == account.id,
                )
            )
            if old is not None:
                self.dbsession.delete(old)
                self._record_grant(AuditAction.ROLE_REVOKED, account.mentor_id, ScopedRole.MENTOR, Scope.ACCOUNT,
                                   account.id, actor, ip)
        account.mentor_id = mentor_id
        if mentor_id:
            self.dbsession.add(
                Grant(account_id=mentor_id, role=ScopedRole.MENTOR, scope_type=Scope.ACCOUNT,
                      scope_id=account.id, created_at=self.clock.now())
            )
            self._record_grant(AuditAction.ROLE_GRANTED, mentor_id, ScopedRole.MENTOR, Scope.ACCOUNT, account.id,
                               actor, ip)
        self.dbsession.flush()

    def _record_grant(self, action, account_id, role, scope_type, scope_id, actor, ip) -> None:
        self.audit.record(action, actor=actor, target_type="account", target_id=account_id,
                          detail={"role": role, "scope_type": scope_type, "scope_id": scope_id}, ip=ip)

    def _changed(self, account: Account, before: dict) -> None:
        for hook in self.account_changed_hooks:
            hook(self.dbsession, account, before)

    def set_password(self, account: Account, new_password: str, actor=None, ip="") -> None:
        account.password_hash = hash_password(new_password)
        self.audit.record(AuditAction.PASSWORD_CHANGED, actor=actor or account, target_type="account",
                          target_id=account.id, ip=ip)

    def reset_password(self, account: Account, new_password: str, actor: Account, ip="") -> None:
        """An admin sets someone's password; the caller ends their sessions (`AuthService.end_sessions`)."""
        if account.id == actor.id:
            # Ending one's own sessions would sign the admin out mid-request;
            # the own-account page asks for the current password instead.
            raise AccountError(_("To change your own password, use the Change password page."))
        account.password_hash = hash_password(new_password)
        self.audit.record(AuditAction.PASSWORD_RESET, actor=actor, target_type="account", target_id=account.id,
                          ip=ip)

    def check_password(self, account: Account, password: str) -> bool:
        return verify_password(account.password_hash, password)

    def set_active(self, account: Account, active: bool, actor=None, ip="") -> None:
        if account.is_active == active:
            return
        if not active and GlobalRole.ADMIN in account.global_roles:
            self._keep_an_admin(account)
        account.is_active = active
        if not active:
            self.revoke_sessions(account)
        self.audit.record(
            AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED,
            actor=actor, target_type="account", target_id=account.id, ip=ip,
        )

    def revoke_sessions(self, account: Account) -> None:
        for login_session in self.dbsession.scalars(
            select(LoginSession).where(LoginSession.account_id == account.id, LoginSession.revoked_at.is_(None))
        ):
            login_session.revoked_at = self.clock.now()

    # -- grants ----------------------------------------------------------

    def grant(self, account: Account, role: str, scope_type: str = Scope.SITE, scope_id: int = 0,
              actor=None, ip="") -> Grant:
        self._check_grant(role, scope_type, scope_id)
        existing = self.dbsession.scalar(
            select(Grant).where(Grant.account_id == account.id, Grant.role == role,
                                Grant.scope_type == scope_type, Grant.scope_id == scope_id)
        )
        if existing is not None:
            return existing
        grant = Grant(account_id=account.id, role=role, scope_type=scope_type, scope_id=scope_id,
                      created_at=self.clock.now())
        account.grants.append(grant)
        self.dbsession.flush()
        self._record_grant(AuditAction.ROLE_GRANTED, account.id, role, scope_type, scope_id, actor, ip)
        return grant

    def revoke(self, grant: Grant, actor=None, ip="") -> None:
        if grant.scope_type == Scope.SITE and grant.role == GlobalRole.ADMIN:
            self._keep_an_admin(grant.account)
        self._record_grant(AuditAction.ROLE_REVOKED, grant.account_id, grant.role, grant.scope_type, grant.scope_id,
                           actor, ip)
        grant.account.grants.remove(grant)
        self.dbsession.flush()

    def set_global_roles(self, account: Account, roles: set[str], actor=None, ip="") -> None:
        current = {g.role: g for g in account.grants if g.scope_type == Scope.SITE}
        for role in roles - current.keys():
            self.grant(account, role, actor=actor, ip=ip)
        for role in current.keys() - roles:
            self.revoke(current[role], actor=actor, ip=ip)

    def _keep_an_admin(self, account: Account) -> None:
        """Refuse to leave the site without an active administrator (nobody could manage it any more).

        The admins' grant and account rows are locked (PostgreSQL; SQLite writers
        queue anyway), so two admins removing each other at once cannot both pass:
        the second waits, then sees the first one's change.
        """
        admins = set(self.dbsession.scalars(
            select(Grant.account_id).join(Account, Account.id == Grant.account_id)
            .where(Grant.role == GlobalRole.ADMIN, Grant.scope_type == Scope.SITE, Account.is_active.is_(True))
            .order_by(Grant.id).with_for_update()))
        if admins <= {account.id}:
            raise AccountError(_("${name} is the last active administrator: make someone else an administrator "
                                 "first."), {"name": account.display_name})

    def _check_grant(self, role: str, scope_type: str, scope_id: int) -> None:
        if scope_type == Scope.SITE:
            if role not in set(GlobalRole):
                raise AccountError(_("Unknown role."))
            return
        if kind_of(role, scope_type) is None:
            raise AccountError(_("The role ${role} cannot be granted on ${scope}."),
                               {"role": role, "scope": scope_type})
        if not GrantTargets(self.dbsession).exists(scope_type, scope_id):
            raise AccountError(_("What the grant is for does not exist (any more)."))

    def managed_team_ids(self, account: Account) -> set[int]:
        return {g.scope_id for g in account.grants if g.role == ScopedRole.MANAGER and g.scope_type == Scope.TEAM}

    # -- roster ----------------------------------------------------------

    def import_roster(self, text: str, default_password: str, actor=None, ip=""):
        """Create or update accounts from CSV; all rows or none. Returns an `accounts_roster.RosterResult`."""
        from .accounts_roster import RosterImport  # it builds on this module

        return RosterImport(self).run(text, default_password, actor=actor, ip=ip)


def _loggable(value):
    """A field value as the audit log's JSON keeps it."""
    return value.isoformat() if isinstance(value, date) else value


def add_account_changed_hook(config, hook) -> None:
    """Config directive: run `hook(dbsession, account, before)` after an account changes."""
    config.registry.setdefault("account_changed_hooks", []).append(hook)


def factory(context, request):
    return AccountService(
        request.dbsession, request.find_service(Clock), request.find_service(AuditService),
        account_changed_hooks=tuple(request.registry.get("account_changed_hooks", ())),
    )


def includeme(config):
    config.add_directive("add_account_changed_hook", add_account_changed_hook)
    config.register_service_factory(factory, AccountService)
