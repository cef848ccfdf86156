"""Schemas of the sign-in, own-account and account administration forms."""

import colander
import deform

from ..i18n import LOCALE_NAMES, _
from ..models.accounts import GlobalRole
from ..forms import UploadTmpStore
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


ROLE_TITLES = {
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


def optional_id_node(title, values):
    # Widgets are not bound with the schema, so the choices are made in a
    # deferred widget from the bound values.
    @colander.deferred
    def widget(node, kw):
        return deform.widget.SelectWidget(values=values(node, kw))

    return colander.SchemaNode(colander.Integer(), title=title, missing=None, widget=widget)


class AccountSchema(CSRFSchema):
    display_name = text_node(_("Display name"), max_length=100)
    email = colander.SchemaNode(
        colander.String(), title=_("Email"), missing=None, preparer=trimmed,
        validator=colander.All(colander.Email(msg=_("Not a valid email address.")), colander.Length(max=254)),
    )
    position_id = optional_id_node(_("Position"), deferred_positions)
    team_id = optional_id_node(_("Team"), deferred_teams)
    start_date = colander.SchemaNode(colander.Date(), title=_("Start date"), missing=None,
                                     widget=deform.widget.TextInputWidget(type_name="date"))
    mentor_id = optional_id_node(_("Mentor"), deferred_mentors)
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


class GrantSchema(CSRFSchema):
    role = colander.SchemaNode(
        colander.String(), title=_("Role"),
        widget=deform.widget.SelectWidget(values=[
            ("manager:team", _("Manager of a team")),
            ("mentor:account", _("Mentor of a person")),
            ("owner:course", _("Owner of a course")),
            ("owner:document", _("Owner of a document")),
            ("owner:quiz", _("Owner of a quiz")),
        ]),
        validator=colander.OneOf(["manager:team", "mentor:account", "owner:course", "owner:document", "owner:quiz"]),
    )
    scope_id = colander.SchemaNode(colander.Integer(), title=_("Id of the team, person or item"),
                                   validator=colander.Range(min=1))


def valid_timezone(node, value):
    from zoneinfo import available_timezones

    if value not in available_timezones():
        raise colander.Invalid(node, _("Unknown time zone."))


class TeamSchema(CSRFSchema):
    name = text_node(_("Team name"), max_length=100)
    timezone = colander.SchemaNode(colander.String(), title=_("Time zone"), default="Asia/Shanghai",
                                   preparer=trimmed, validator=valid_timezone)
