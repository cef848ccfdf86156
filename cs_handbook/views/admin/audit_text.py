"""The audit log in words: action codes, targets and details as a reader says them.

Events keep codes and ids (`grant.added`, `{"role": "manager", "scope_id": 3}`)
so they stay exact; this module turns them into "Grant added · Role: 团队经理 ·
客服一组" in the reader's language, with names looked up once per page.
"""

from datetime import date

from translationstring import TranslationString

from ...i18n import LOCALE_NAMES, _
from ...models.accounts import Position, Scope, Team
from ...schemas.accounts import ROLE_TITLES
from ...services.audit import AuditAction
from ...services.grant_targets import GrantTargets, kind_of
from ..qa import audit_words as qa_words
from ..quizzes import audit_words as quiz_words
from .settings import SETTING_TITLES

ACTION_TITLES = {
    AuditAction.SIGNIN: _("Signed in"),
    AuditAction.SIGNIN_FAILED: _("Sign-in failed"),
    AuditAction.SIGNIN_THROTTLED: _("Sign-in blocked (too many failures)"),
    AuditAction.SIGNOUT: _("Signed out"),
    AuditAction.PASSWORD_CHANGED: _("Changed own password"),
    AuditAction.PASSWORD_RESET: _("New password set by an admin"),
    AuditAction.PERMISSION_DENIED: _("Access denied"),
    AuditAction.ACCOUNT_CREATED: _("Account created"),
    AuditAction.ACCOUNT_UPDATED: _("Account changed"),
    AuditAction.ACCOUNT_DISABLED: _("Account disabled"),
    AuditAction.ACCOUNT_ENABLED: _("Account enabled"),
    AuditAction.ROLE_GRANTED: _("Role granted"),
    AuditAction.ROLE_REVOKED: _("Role removed"),
    AuditAction.ROSTER_IMPORTED: _("Roster imported"),
    AuditAction.SETTING_CHANGED: _("Setting changed"),
    AuditAction.TEAM_CREATED: _("Team added"),
    AuditAction.TEAM_UPDATED: _("Team changed"),
    AuditAction.POSITION_CREATED: _("Position added"),
    **qa_words.ACTION_TITLES,
    **quiz_words.ACTION_TITLES,
}

FIELD_TITLES = {
    "username": _("Username"),
    "display_name": _("Display name"),
    "email": _("Email"),
    "position_id": _("Position"),
    "team_id": _("Team"),
    "start_date": _("Start date"),
    "mentor_id": _("Mentor"),
    "language": _("Language"),
    "is_active": _("Status"),
    "name": _("Name shown"),
    "timezone": _("Time zone"),
    "code": _("Code"),
}

_FIELD_ORDER = {name: index for index, name in enumerate(FIELD_TITLES)}

DETAIL_TITLES = {
    "reason": _("Reason"),
    "method": _("Request"),
    "created": _("Created"),
    "updated": _("Updated"),
    "key": _("Setting"),
    "value": _("Value"),
}

REASONS = {
    "credentials": _("wrong username or password"),
    "disabled": _("the account is disabled"),
}

METHODS = {"GET": _("open"), "HEAD": _("open"), "POST": _("send")}


def action_title(action: str):
    return ACTION_TITLES.get(action, action)


class AuditText:
    """Describes a page of events; names of accounts, teams, positions and grant targets in a few queries."""

    def __init__(self, request, events):
        self.request = request
        self.translate = request.localizer.translate
        targets = GrantTargets(request.dbsession)
        wanted = set()
        for event in events:
            if event.target_type == "account" and event.target_id.isdigit():
                wanted.add((Scope.ACCOUNT, int(event.target_id)))
            detail = event.detail or {}
            if isinstance(detail.get("scope_type"), str) and isinstance(detail.get("scope_id"), int):
                wanted.add((detail["scope_type"], detail["scope_id"]))
            for name, values in (detail.get("changes") or {}).items():
                scope = {"team_id": Scope.TEAM, "mentor_id": Scope.ACCOUNT}.get(name)
                if scope and isinstance(values, list):
                    wanted.update((scope, v) for v in values if isinstance(v, int))
        self.names = targets.names(wanted)
        self.positions = {p.id: p.name for p in request.dbsession.query(Position)}
        self.team_names = {t.id: t.name for t in request.dbsession.query(Team)}

    def text(self, value) -> str:
        return self.translate(value) if isinstance(value, TranslationString) else str(value)

    def account_name(self, account_id) -> str:
        name = self.names.get((Scope.ACCOUNT, account_id))
        return name if name is not None else f"#{account_id}"

    def describe(self, event) -> dict:
        return {"event": event, "action": self.text(action_title(event.action)),
                "target": self.target(event), "details": self.details(event)}

    def target(self, event) -> str:
        if event.target_type.startswith("qa_"):
            return qa_words.target(event, self.text)
        if quiz_words.is_quiz_event(event):
            return quiz_words.target(event, self.text)
        if event.target_type == "account" and event.target_id.isdigit():
            return self.account_name(int(event.target_id))
        if event.target_type == "team" and event.target_id.isdigit():
            return self.team_names.get(int(event.target_id), f"#{event.target_id}")
        if event.target_type == "position" and event.target_id.isdigit():
            return self.positions.get(int(event.target_id), f"#{event.target_id}")
        if event.target_type == "setting":
            title = SETTING_TITLES.get(event.target_id)
            return self.text(title) if title is not None else event.target_id
        if event.target_type == "route":
            path = (event.detail or {}).get("path") or event.target_id
            return self.text(_("Page ${path}", mapping={"path": path}))
        return f"{event.target_type} {event.target_id}".strip()

    def details(self, event) -> list[tuple[str, str]]:
        if event.action.startswith("qa."):
            return qa_words.details(event, self.text)
        if event.action == AuditAction.SETTING_CHANGED and isinstance((event.detail or {}).get("key"), str):
            return [self.setting(event.detail)]
        if quiz_words.is_quiz_event(event):
            return quiz_words.details(event, self.text)
        detail = dict(event.detail or {})
        shown = []
        if "role" in detail:
            shown.append((self.text(_("Role")), self.grant(detail.pop("role"), detail.pop("scope_type", Scope.SITE),
                                                           detail.pop("scope_id", 0))))
        if event.target_type == "route":
            detail.pop("path", None)
        changes = detail.pop("changes", None) or {}
        for name, values in sorted(changes.items(), key=lambda item: _FIELD_ORDER.get(item[0], len(_FIELD_ORDER))):
            if isinstance(values, list) and len(values) == 2:
                old, new = (self.value(name, v) for v in values)
                shown.append((self.field(name), f"{old} → {new}"))
        if isinstance(detail.get("fields"), list):  # events recorded before old → new values were kept
            fields = detail.pop("fields")
            shown.append((self.text(_("Changed")), ", ".join(self.field(f) for f in fields)))
        for key, value in sorted(detail.items()):
            if key == "reason":
                value = REASONS.get(value, value)
            elif key == "method":
                value = METHODS.get(value, value)
            elif key == "username":
                shown.append((self.field(key), str(value)))
                continue
            title = DETAIL_TITLES.get(key) or FIELD_TITLES.get(key) or key
            shown.append((self.text(title), self.text(value)))
        return shown

    def setting(self, detail: dict) -> tuple[str, str]:
        """("Site time zone", "Asia/Shanghai → Europe/London"): the setting by its name, before and after."""
        title = SETTING_TITLES.get(detail["key"])
        value = str(detail.get("value"))
        return (self.text(title) if title is not None else detail["key"],
                f"{detail['before']} → {value}" if "before" in detail else value)

    def field(self, name: str) -> str:
        return self.text(FIELD_TITLES.get(name, name))

    def value(self, name: str, value) -> str:
        if value is None or value == "":
            return "—"
        if name == "position_id":
            return self.positions.get(value, f"#{value}")
        if name == "team_id":
            return self.team_names.get(value, f"#{value}")
        if name == "mentor_id":
            return self.account_name(value)
        if name == "language":
            return LOCALE_NAMES.get(value, str(value))
        if name == "is_active":
            return self.text(_("Active") if value else _("Disabled"))
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def grant(self, role: str, scope: str, scope_id) -> str:
        if scope == Scope.SITE:
            title = ROLE_TITLES.get(role)
            return self.text(title) if title is not None else str(role)
        kind = kind_of(role, scope)
        label = self.text(kind.label) if kind is not None else f"{role} {scope}"
        name = self.names.get((scope, scope_id))
        return f"{label} · {name if name is not None else f'#{scope_id}'}"
