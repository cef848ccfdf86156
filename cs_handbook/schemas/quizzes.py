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
