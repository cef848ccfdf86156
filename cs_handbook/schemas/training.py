"""Schemas of the training forms: course and path builder, review, enrolment, mentor pairing, sign-off."""

import colander
import deform

from ..i18n import _
from ..models.training import ItemKind
from ..services.training_checks import MAX_DUE_DAY, MAX_MINUTES, MAX_TARGET, MAX_TEXT, MAX_TITLE, RESERVED
from .base import CSRFSchema, no_control_characters, text_node, trimmed

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
SLUG_MESSAGE = _("Lower-case letters, digits and hyphens only.")
KEY_MESSAGE = _("1 to 64 lower-case letters, digits and hyphens.")
MAX_NOTE = 2000

KIND_CHOICES = (
    (ItemKind.READING, _("Reading")),
    (ItemKind.QUIZ, _("Quiz")),
    (ItemKind.PRACTICAL, _("Practical task")),
    (ItemKind.LINK, _("Link or video")),
)


def long_text(title, max_length=MAX_TEXT, **kw):
    return colander.SchemaNode(colander.String(), title=title, preparer=trimmed, missing="",
                               validator=colander.All(colander.Length(max=max_length), no_control_characters),
                               widget=deform.widget.TextAreaWidget(rows=3), **kw)


def not_reserved(node, value):
    if value in RESERVED:
        raise colander.Invalid(node, _("\"${value}\" is reserved by the site: choose another.",
                                       mapping={"value": value}))


class ItemSchema(colander.Schema):
    key = colander.SchemaNode(colander.String(), title=_("Key"), preparer=trimmed,
                              description=_("Keeps people's progress when the item changes; a new key is a new "
                                            "item."),
                              validator=colander.Regex(KEY_PATTERN, KEY_MESSAGE))
    kind = colander.SchemaNode(colander.String(), title=_("Kind"),
                               validator=colander.OneOf([k for k, _l in KIND_CHOICES]),
                               widget=deform.widget.SelectWidget(values=KIND_CHOICES))
    title = text_node(_("Title"), max_length=MAX_TITLE)
    target = colander.SchemaNode(colander.String(), title=_("Document slug, quiz slug or address"), missing="",
                                 preparer=trimmed,
                                 validator=colander.All(colander.Length(max=MAX_TARGET), no_control_characters))
    minutes = colander.SchemaNode(colander.Integer(), title=_("Estimated minutes"), default=10,
                                  validator=colander.Range(0, MAX_MINUTES,
                                                           min_err=_("Minutes cannot be negative."),
                                                           max_err=_("At most ${max} minutes.")))
    required = colander.SchemaNode(colander.Boolean(), title=_("Required"), default=True, missing=False)
    description = long_text(_("Instructions"))


class ItemsSchema(colander.SequenceSchema):
    item = ItemSchema(title=_("Item"))


class CourseSchema(CSRFSchema):
    title = text_node(_("Title"), max_length=MAX_TITLE)
    description = long_text(_("Description"))
    items = ItemsSchema(title=_("Items"), widget=deform.widget.SequenceWidget(orderable=True))


class NewCourseSchema(CourseSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Short name (in the address)"), preparer=trimmed,
                               validator=colander.All(colander.Regex(SLUG_PATTERN, SLUG_MESSAGE), not_reserved))


@colander.deferred
def deferred_course_widget(node, kw):
    return deform.widget.SelectWidget(values=[(c.slug, f"{c.title} ({c.slug})") for c in kw["courses"]])


@colander.deferred
def deferred_course_validator(node, kw):
    return colander.OneOf([c.slug for c in kw["courses"]])


class StepSchema(colander.Schema):
    course = colander.SchemaNode(colander.String(), title=_("Course"), widget=deferred_course_widget,
                                 validator=deferred_course_validator)
    due_day = colander.SchemaNode(colander.Integer(), title=_("Due day after the start date"), default=0,
                                  validator=colander.Range(0, MAX_DUE_DAY,
                                                           min_err=_("A due day cannot be negative."),
                                                           max_err=_("At most ${max} days.")))
    half_day = colander.SchemaNode(colander.String(), title=_("Half day"), missing="",
                                   validator=colander.OneOf(["", "am", "pm"]),
                                   widget=deform.widget.SelectWidget(
                                       values=(("", _("Whole day")), ("am", _("Morning")), ("pm", _("Afternoon")))))


class StepsSchema(colander.SequenceSchema):
    step = StepSchema(title=_("Step"))


class PathSchema(CSRFSchema):
    title = text_node(_("Title"), max_length=MAX_TITLE)
    steps = StepsSchema(title=_("Steps"), widget=deform.widget.SequenceWidget(orderable=True))


@colander.deferred
def deferred_position_widget(node, kw):
    return deform.widget.SelectWidget(values=[(p.code, f"{p.name} ({p.code})") for p in kw["positions"]])


@colander.deferred
def deferred_position_validator(node, kw):
    return colander.OneOf([p.code for p in kw["positions"]])


class NewPathSchema(PathSchema):
    position_code = colander.SchemaNode(colander.String(), title=_("Position"), widget=deferred_position_widget,
                                        validator=deferred_position_validator)


class ReviewSchema(CSRFSchema):
    comment = long_text(_("Comment (needed to send it back)"))


@colander.deferred
def deferred_path_widget(node, kw):
    return deform.widget.SelectWidget(values=[(p.position_code, f"{p.title} ({p.position_code})")
                                              for p in kw["paths"]])


@colander.deferred
def deferred_path_validator(node, kw):
    return colander.OneOf([p.position_code for p in kw["paths"]])


class EnrolSchema(CSRFSchema):
    path = colander.SchemaNode(colander.String(), title=_("Onboarding path"), widget=deferred_path_widget,
                               validator=deferred_path_validator)
    start_date = colander.SchemaNode(colander.Date(), title=_("Start date"),
                                     widget=deform.widget.TextInputWidget(type_name="date"))
    finish_by = colander.SchemaNode(colander.Date(), title=_("Finish by (optional)"), missing=None,
                                    description=_("Everything not done by the end of this day counts as overdue."),
                                    widget=deform.widget.TextInputWidget(type_name="date"))


@colander.deferred
def deferred_mentor_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", "—")] + [(str(a.id), f"{a.display_name} ({a.username})")
                                                            for a in kw["mentors"]])


@colander.deferred
def deferred_mentor_validator(node, kw):
    return colander.OneOf([""] + [str(a.id) for a in kw["mentors"]])


class MentorSchema(CSRFSchema):
    mentor = colander.SchemaNode(colander.String(), title=_("Mentor"), missing="", widget=deferred_mentor_widget,
                                 validator=deferred_mentor_validator)


class SignOffRequestSchema(colander.Schema):
    """The new hire's note with a sign-off request (a plain form on the item page)."""

    note = colander.SchemaNode(colander.String(), missing="", preparer=trimmed,
                               validator=colander.All(colander.Length(max=MAX_NOTE), no_control_characters))


class DecisionSchema(colander.Schema):
    """A mentor's or manager's decision (plain forms on the mentees, team and person pages)."""

    decision = colander.SchemaNode(colander.String(), missing_msg=_("Choose sign off or send back."),
                                   validator=colander.OneOf(["approve", "send_back"],
                                                            msg_err=_("Choose sign off or send back.")))
    note = colander.SchemaNode(colander.String(), preparer=trimmed,
                               missing_msg=_("Write a note with your decision."),
                               validator=colander.All(colander.Length(min=1, max=MAX_NOTE,
                                                                      min_err=_("Write a note with your decision.")),
                                                      no_control_characters))
    came_from = colander.SchemaNode(colander.String(), missing="",
                                    validator=colander.All(colander.Length(max=200), no_control_characters))
