"""Forms of the documents area: a document's editable fields and a workflow comment."""

import re

import colander
import deform

from ..i18n import _
from .base import CSRFSchema, no_control_characters, text_node, trimmed

SLUG = re.compile(r"^(handbook|policies|roles|scripts)(/[a-z0-9][a-z0-9-]*)+$")


def _tags(node, value):
    tags = [t.strip() for t in value.replace("，", ",").split(",") if t.strip()]
    if len(tags) > 20 or any(len(t) > 50 for t in tags):
        raise colander.Invalid(node, _("At most 20 tags of up to 50 characters each."))


def _dates(form, value):
    if value.get("effective") and value.get("expires") and value["expires"] <= value["effective"]:
        error = colander.Invalid(form, "")
        error["expires"] = _("The expiry date must come after the effective date.")
        raise error


class DocumentSchema(CSRFSchema):
    title = text_node(_("Title"), 200)
    summary = colander.SchemaNode(colander.String(), title=_("Summary"), preparer=trimmed,
                                  validator=colander.All(colander.Length(max=1000), no_control_characters),
                                  widget=deform.widget.TextAreaWidget(rows=2), missing="")
    body_md = colander.SchemaNode(colander.String(), title=_("Text (Markdown)"),
                                  validator=colander.Length(min=1, max=200_000),
                                  widget=deform.widget.TextAreaWidget(rows=20, css_class="markdown-source"))
    tags = colander.SchemaNode(colander.String(), title=_("Tags (comma separated)"), preparer=trimmed,
                               validator=_tags, missing="")
    effective = colander.SchemaNode(colander.Date(), title=_("Effective from"), missing=None)
    expires = colander.SchemaNode(colander.Date(), title=_("Expires on"), missing=None)
    review_due = colander.SchemaNode(colander.Date(), title=_("Re-verify by"), missing=None)
    comment = colander.SchemaNode(colander.String(), title=_("What changed"), preparer=trimmed,
                                  validator=colander.Length(max=500), missing="")
    base_version_id = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(), missing=None)

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_dates, **kw)


@colander.deferred
def _section_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", "—")] + [(s.path, f"{s.path} · {s.title}")
                                                             for s in kw.get("sections", ())])


@colander.deferred
def _section_validator(node, kw):
    return colander.OneOf([""] + [s.path for s in kw.get("sections", ())])


class NewDocumentSchema(DocumentSchema):
    slug = colander.SchemaNode(colander.String(), title=_("Address (e.g. handbook/basics/new-page)"),
                               preparer=trimmed, validator=colander.All(colander.Length(max=200), colander.Regex(
                                   SLUG, _("Start with handbook/, policies/, roles/ or scripts/; use a-z, 0-9 and -."))),
                               insert_before="title")
    section = colander.SchemaNode(colander.String(), title=_("Section"), widget=_section_widget,
                                  validator=_section_validator, missing="", insert_before="title")


class CommentSchema(CSRFSchema):
    comment = colander.SchemaNode(colander.String(), title=_("Comment"), preparer=trimmed,
                                  validator=colander.Length(max=1000), missing="")
