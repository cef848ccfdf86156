"""Forms of the quizzes area: question editor, answer-key fix, essay mark, bank import.

The type's own fields (options, answers, items, pairs, rubric) are edited as
YAML in the same shape as `training/questions/*.yaml`, so the editor and the
files share one checker (`quizzes_files.question_fields`).
"""

import colander
import deform
import yaml

from ..i18n import _
from ..forms import UploadTmpStore
from .base import CSRFSchema, trimmed

TYPE_CHOICES = (("single", _("Single choice")), ("multiple", _("Multiple choice")), ("truefalse", _("True/false")),
                ("short", _("Short answer")), ("ordering", _("Ordering")), ("matching", _("Matching")),
                ("essay", _("Essay")))


def yaml_mapping(node, value):
    try:
        loaded = yaml.safe_load(value)
    except yaml.YAMLError as error:
        raise colander.Invalid(node, _("This is not valid YAML.")) from error
    if not isinstance(loaded, dict):
        raise colander.Invalid(node, _("Write the answer fields as YAML keys, e.g. options: or answers:."))


def ascii_key(node, value):
    if not value.isascii() or not all(ch.isalnum() or ch in "-_" for ch in value):
        raise colander.Invalid(node, _("Use letters, digits, - and _ only."))


@colander.deferred
def category_widget(node, kw):
    return deform.widget.SelectWidget(values=[(c.slug, f"{c.title} ({c.slug})") for c in kw["categories"]])


class QuestionSchema(CSRFSchema):
    category = colander.SchemaNode(colander.String(), title=_("Category"), widget=category_widget)
    key = colander.SchemaNode(colander.String(), title=_("Key"), preparer=trimmed,
                              validator=colander.All(colander.Length(min=1, max=100), ascii_key))
    type = colander.SchemaNode(colander.String(), title=_("Type"), widget=deform.widget.SelectWidget(
        values=TYPE_CHOICES), validator=colander.OneOf([v for v, _ in TYPE_CHOICES]))
    text = colander.SchemaNode(colander.String(), title=_("Question text"), widget=deform.widget.TextAreaWidget(
        rows=3), validator=colander.Length(min=1, max=4000))
    source = colander.SchemaNode(colander.String(), title=_("Source document (slug)"), missing="",
                                 validator=colander.Length(max=300))
    tags = colander.SchemaNode(colander.String(), title=_("Tags (comma separated)"), missing="",
                               validator=colander.Length(max=500))
    points = colander.SchemaNode(colander.Float(), title=_("Question points"), default=1.0,
                                 validator=colander.Range(min=0.1, max=100))
    explanation = colander.SchemaNode(colander.String(), title=_("Explanation (shown on review)"), missing="",
                                      widget=deform.widget.TextAreaWidget(rows=3),
                                      validator=colander.Length(max=4000))
    details = colander.SchemaNode(colander.String(), title=_("Answer fields (YAML)"),
                                  widget=deform.widget.TextAreaWidget(rows=8),
                                  validator=colander.All(colander.Length(max=20000), yaml_mapping))


class AnswerKeySchema(CSRFSchema):
    details = colander.SchemaNode(colander.String(), title=_("Answer fields (YAML)"),
                                  widget=deform.widget.TextAreaWidget(rows=10),
                                  validator=colander.All(colander.Length(max=20000), yaml_mapping))


class ImportSchema(CSRFSchema):
    format = colander.SchemaNode(colander.String(), title=_("Format"), widget=deform.widget.SelectWidget(
        values=(("gift", "GIFT"), ("xml", "Moodle XML"))), validator=colander.OneOf(["gift", "xml"]))
    upload = colander.SchemaNode(deform.FileData(), title=_("File"),
                                 widget=deform.widget.FileUploadWidget(tmpstore=UploadTmpStore()))


GRADING_CHOICES = (("highest", _("Highest attempt")), ("last", _("Last attempt")), ("first", _("First attempt")),
                   ("average", _("Average of attempts")))
REVIEW_CHOICES = (("immediately", _("Immediately")), ("after_submit", _("After submitting")),
                  ("after_close", _("After the quiz closes")), ("never", _("Never")))


class QuizSchema(CSRFSchema):
    """The quiz builder: settings, fixed questions (one id a line), random slots ("category count" a line)."""

    slug = colander.SchemaNode(colander.String(), title=_("Slug"), preparer=trimmed,
                               validator=colander.All(colander.Length(min=1, max=100), ascii_key))
    title = colander.SchemaNode(colander.String(), title=_("Title"), validator=colander.Length(min=1, max=200))
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      validator=colander.Length(max=2000))
    pass_mark = colander.SchemaNode(colander.Float(), title=_("Pass mark (%)"), default=80.0,
                                    validator=colander.Range(min=0, max=100))
    time_limit_minutes = colander.SchemaNode(colander.Integer(), title=_("Time limit (minutes)"), missing=None,
                                             validator=colander.Range(min=1, max=600))
    attempts_allowed = colander.SchemaNode(colander.Integer(), title=_("Attempts allowed (0 = unlimited)"),
                                           default=0, validator=colander.Range(min=0, max=100))
    grading = colander.SchemaNode(colander.String(), title=_("Grading method"),
                                  widget=deform.widget.SelectWidget(values=GRADING_CHOICES),
                                  validator=colander.OneOf([v for v, _ in GRADING_CHOICES]))
    shuffle_questions = colander.SchemaNode(colander.Boolean(), title=_("Shuffle questions"), missing=False)
    shuffle_options = colander.SchemaNode(colander.Boolean(), title=_("Shuffle options"), missing=False)
    one_per_page = colander.SchemaNode(colander.Boolean(), title=_("One question per page"), missing=False)
    review = colander.SchemaNode(colander.String(), title=_("Review shows details"),
                                 widget=deform.widget.SelectWidget(values=REVIEW_CHOICES),
                                 validator=colander.OneOf([v for v, _ in REVIEW_CHOICES]))
    open_at = colander.SchemaNode(colander.DateTime(), title=_("Opens at (UTC)"), missing=None)
    close_at = colander.SchemaNode(colander.DateTime(), title=_("Closes at (UTC)"), missing=None)
    questions = colander.SchemaNode(colander.String(), title=_("Fixed questions (one id a line: category/key)"),
                                    missing="", widget=deform.widget.TextAreaWidget(rows=6),
                                    validator=colander.Length(max=20000))
    random = colander.SchemaNode(colander.String(), title=_("Random questions (one line each: category count)"),
                                 missing="", widget=deform.widget.TextAreaWidget(rows=3),
                                 validator=colander.Length(max=5000))
