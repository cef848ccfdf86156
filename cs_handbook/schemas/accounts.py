"""Schemas of the sign-in, own-account and account administration forms."""

import functools

import colander
import deform

from ..forms import UploadTmpStore
from ..i18n import LOCALE_NAMES, _
from ..models.accounts import GlobalRole
from ..services.grant_targets import GRANT_KINDS
from .base import CSRFSchema, no_control_characters, text_node, trimmed

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


def password_node(title, **kw):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        widget=deform.widget.PasswordWidget(),
        validator=colander.All(colander.Length(max=256), no_control_characters),
        **kw,
    )


def new_password_node(title):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        widget=deform.widget.CheckedPasswordWidget(),
        validator=colander.All(
            colander.Length(min=10, max=256, min_err=_("At least 10 characters, please.")),
            no_control_characters,
        ),
    )


class SignInSchema(CSRFSchema):
    username = text_node(_("Username"), max_length=64, autocomplete="username")
    password = password_node(_("Password"))


class ChangePasswordSchema(CSRFSchema):
    current_password = password_node(_("Current password"))
    new_password = new_password_node(_("New password"))


class ResetPasswordSchema(CSRFSchema):
    new_password = new_password_node(_("New password"))


# Keyed by role name: the audit log looks roles up by the stored string.
ROLE_TITLES: dict[str, str] = {
    GlobalRole.TRAINER: _("Trainer"),
    GlobalRole.REVIEWER: _("Reviewer"),
    GlobalRole.MANAGER: _("Manager"),
    GlobalRole.QA: _("Quality inspector"),
    GlobalRole.ADMIN: _("Administrator"),
}


def deferred_positions(node, kw):
    return [("", "—")] + [(str(p.id), f"{p.name} ({p.code})") for p in kw["positions"]]


def deferred_teams(node, kw):
    return [("", "—")] + [(str(t.id), t.name) for t in kw["teams"]]


def deferred_mentors(node, kw):
    return [("", "—")] + [(str(a.id), f"{a.display_name} ({a.username})") for a in kw["mentors"]]


def optional_id_node(title, values, choices_key, msg):
    """A select of ids whose value must be one of the choices bound under `choices_key`.

    The select widget does not check what comes back: without the `OneOf`
    a crafted id would reach the foreign key and fail at commit.
    """
    # Widgets are not bound with the schema, so the choices are made in a
    # deferred widget from the bound values.
    @colander.deferred
    def widget(node, kw):
        return deform.widget.SelectWidget(values=values(node, kw))

    @colander.deferred
    def validator(node, kw):
        return colander.OneOf([item.id for item in kw[choices_key]], msg_err=msg)

    return colander.SchemaNode(colander.Integer(), title=title, missing=None, widget=widget, validator=validator)


class AccountSchema(CSRFSchema):
    display_name = text_node(_("Display name"), max_length=100)
    email = colander.SchemaNode(
        colander.String(), title=_("Email"), missing=None, preparer=trimmed,
        validator=colander.All(colander.Email(msg=_("Not a valid email address.")), colander.Length(max=254)),
    )
    position_id = optional_id_node(_("Position"), deferred_positions, "positions",
                                   _("Choose a position from the list."))
    team_id = optional_id_node(_("Team"), deferred_teams, "teams", _("Choose a team from the list."))
    start_date = colander.SchemaNode(colander.Date(), title=_("Start date"), missing=None,
                                     widget=deform.widget.TextInputWidget(type_name="date"))
    mentor_id = optional_id_node(_("Mentor"), deferred_mentors, "mentors", _("The mentor must be an active account."))
    language = colander.SchemaNode(
        colander.String(), title=_("Language"), default="zh_CN",
        widget=deform.widget.SelectWidget(values=list(LOCALE_NAMES.items())),
        validator=colander.OneOf(list(LOCALE_NAMES)),
    )
    roles = colander.SchemaNode(
        colander.Set(), title=_("Global roles"), missing=set(),
        widget=deform.widget.CheckboxChoiceWidget(values=[(r.value, ROLE_TITLES[r]) for r in GlobalRole]),
        validator=colander.ContainsOnly([r.value for r in GlobalRole]),
    )


class NewAccountSchema(AccountSchema):
    username = colander.SchemaNode(
        colander.String(), title=_("Username"), preparer=lambda v: v.strip().lower() if isinstance(v, str) else v,
        validator=colander.Regex(USERNAME_PATTERN, msg=_("2–64 characters: lowercase letters, digits, . _ -")),
        insert_before="display_name",
    )
    password = new_password_node(_("Initial password"))


class RosterSchema(CSRFSchema):
    roster = colander.SchemaNode(
        deform.FileData(), title=_("Roster (CSV, UTF-8)"),
        widget=deform.widget.FileUploadWidget(tmpstore=UploadTmpStore()),
    )
    default_password = new_password_node(_("Initial password for new accounts"))


def _grant_target(node, kw):
    """The target must be one the grant may be given on (`allowed`), listed or not: the list is
    short (`choices`, narrowed by a filter), the site may hold thousands."""
    def check(node, value):
        if not kw["allowed"](value):
            raise colander.Invalid(node, _("Choose one from the list."))
    return check


class GrantSchema(CSRFSchema):
    """One kind of scoped grant (bound as `kind`) and its target, picked from `choices`."""

    role = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                               validator=colander.OneOf(list(GRANT_KINDS)))
    scope_id = colander.SchemaNode(
        colander.Integer(),
        title=colander.deferred(lambda node, kw: kw["kind"].target_title),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(
            values=[("", "—")] + [(str(id_), name) for id_, name in kw["choices"]])),
        validator=colander.deferred(_grant_target),
    )


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """The IANA zones this machine knows, sorted (read from disk once)."""
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


# Offered first: the zones a Chinese-speaking service department most often works in.
COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Singapore", "UTC")


@functools.cache
def timezone_choices() -> tuple:
    """The select's options: the common zones, then every zone under its region (`Asia`, `Europe` …),
    so a zone is found among a few dozen instead of six hundred."""
    known = timezone_names()
    regions: dict[str, list[str]] = {}
    for name in known:
        region, slash, _place = name.partition("/")
        regions.setdefault(region if slash else "", []).append(name)  # UTC, GMT, EST5EDT …
    common = [(name, name) for name in COMMON_ZONES if name in known]
    return (deform.widget.OptGroup(_("Common"), *common),
            *(deform.widget.OptGroup(region or _("Other zones"), *((name, name) for name in names))
              for region, names in sorted(regions.items(), key=lambda item: (not item[0], item[0]))))


def timezone_node(title, description) -> colander.SchemaNode:
    """A required IANA zone, chosen from a select grouped by region."""
    return colander.SchemaNode(
        colander.String(), title=title, description=description,
        # Deferred: the zones are read from disk when a form first needs them, not on import.
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(values=timezone_choices())),
        validator=colander.deferred(lambda node, kw: colander.OneOf(timezone_names(),
                                                                    msg_err=_("Unknown time zone."))),
    )


class TeamSchema(CSRFSchema):
    name = text_node(_("Team name"), max_length=100)
    timezone = timezone_node(
        _("Time zone"), _("The team's day (daily drill, QA sampling) begins at midnight in this zone."))


POSITION_CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


class PositionSchema(CSRFSchema):
    code = colander.SchemaNode(
        colander.String(), title=_("Code"), preparer=lambda v: v.strip().lower() if isinstance(v, str) else v,
        description=_("As named in the role profile's front matter, e.g. cs-agent."),
        validator=colander.Regex(POSITION_CODE_PATTERN, msg=_("2–64 characters: lowercase letters, digits and -")),
    )
    name = text_node(_("Position name"), max_length=100)
