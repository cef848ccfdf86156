"""Schemas of the training forms: course and path builder, enrolment, mentor pairing."""

import colander
import deform

from ..i18n import _
from ..models.training import ItemKind
from .base import CSRFSchema, no_control_characters, text_node, trimmed

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"
SLUG_MESSAGE = _("Lower-case letters, digits and hyphens only.")

KIND_CHOICES = (
    (ItemKind.READING, _("Reading")),
    (ItemKind.QUIZ, _("Quiz")),
    (ItemKind.PRACTICAL, _("Practical task")),
    (ItemKind.LINK, _("Link or video")),
)


def long_text(title, max_length=2000):
    return colander.SchemaNode(colander.String(), title=title, preparer=trimmed, missing="",
                               validator=colander.All(colander.Length(max=max_length), no_control_characters),
                               widget=deform.widget.TextAreaWidget(rows=3))


class ItemSchema(colander.Schema):
    key = colander.SchemaNode(colander.String(), title=_("Key"), preparer=trimmed,
                              validator=colander.Regex(SLUG_PATTERN, SLUG_MESSAGE))
    kind = colander.SchemaNode(colander.String(), title=_("Kind"),
                               validator=colander.OneOf([k for k, _l in KIND_CHOICES]),
                               widget=deform.widget.SelectWidget(values=KIND_CHOICES))
    title = text_node(_("Title"), max_length=200)
    target = colander.SchemaNode(colander.String(), title=_("Document slug, quiz slug or address"), missing="",
                                 preparer=trimmed,
                                 validator=colander.All(colander.Length(max=500), no_control_characters))
    minutes = colander.SchemaNode(colander.Integer(), title=_("Estimated minutes"), default=10,
                                  validator=colander.Range(0, 10000, min_err=_("Minutes cannot be negative.")))
    required = colander.SchemaNode(colander.Boolean(), title=_("Required"), default=True, missing=False)
    description = long_text(_("Instructions"))


class ItemsSchema(colander.SequenceSchema):
    item = ItemSchema(title=_("Item"))


class CourseSchema(CSRFSchema):
    title = text_node(_("Title"), max_length=200)
    description = long_text(_("Description"))
    items = ItemsSchema(title=_("Items"))


class NewCourseSchema(CourseSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Short name (in the address)"), preparer=trimmed,
                               validator=colander.Regex(SLUG_PATTERN, SLUG_MESSAGE))


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
                                  validator=colander.Range(0, 3650, min_err=_("A due day cannot be negative.")))
    half_day = colander.SchemaNode(colander.String(), title=_("Half day"), missing="",
                                   validator=colander.OneOf(["", "am", "pm"]),
                                   widget=deform.widget.SelectWidget(
                                       values=(("", _("Whole day")), ("am", _("Morning")), ("pm", _("Afternoon")))))


class StepsSchema(colander.SequenceSchema):
    step = StepSchema(title=_("Step"))


class PathSchema(CSRFSchema):
    title = text_node(_("Title"), max_length=200)
    steps = StepsSchema(title=_("Steps"))


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
    due_date = colander.SchemaNode(colander.Date(), title=_("Finish by (optional)"), missing=None,
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
