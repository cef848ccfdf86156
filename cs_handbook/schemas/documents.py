"""Forms of the documents area: a document's editable fields and a workflow comment."""

import re

import colander
import deform

from ..i18n import _
from .base import CSRFSchema, no_control_characters, text_node, trimmed


def unix_newlines(value):
    # Browsers send a textarea's lines with CRLF; the content files (and their
    # byte-for-byte export) use LF.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


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


MAX_ORDER = 1_000_000
_ORDER_ERROR = _("A whole number from 0 to ${max}.", mapping={"max": MAX_ORDER})


@colander.deferred
def _links_widget(node, kw):
    return deform.widget.SelectWidget(values=kw.get("link_choices", []), multiple=True, size=8)


@colander.deferred
def _links_validator(node, kw):
    known = {value for value, _label in kw.get("link_choices", [])}

    def validator(node, value):
        if not set(value) <= known:
            raise colander.Invalid(node, _("Choose related documents from the list."))
        if len(value) > 100:
            raise colander.Invalid(node, _("At most ${max} related documents.", mapping={"max": 100}))
    return validator


@colander.deferred
def _move_widget(node, kw):
    return deform.widget.SelectWidget(values=kw.get("section_choices", []))


@colander.deferred
def _move_validator(node, kw):
    return colander.OneOf([value for value, _label in kw.get("section_choices", [])],
                          msg_err=_("Choose a section from the list."))


class DocumentSchema(CSRFSchema):
    title = text_node(_("Title"), 200)
    summary = colander.SchemaNode(colander.String(), title=_("Summary"), preparer=trimmed,
                                  validator=colander.All(colander.Length(max=1000), no_control_characters),
                                  widget=deform.widget.TextAreaWidget(rows=2), missing="")
    body_md = colander.SchemaNode(colander.String(), title=_("Text (Markdown)"), preparer=unix_newlines,
                                  validator=colander.Length(min=1, max=200_000),
                                  widget=deform.widget.TextAreaWidget(rows=20, css_class="markdown-source"))
    tags = colander.SchemaNode(colander.String(), title=_("Tags (comma separated)"), preparer=trimmed,
                               validator=_tags, missing="")
    effective = colander.SchemaNode(colander.Date(), title=_("Effective from"), missing=None)
    expires = colander.SchemaNode(colander.Date(), title=_("Expires on"), missing=None)
    review_due = colander.SchemaNode(colander.Date(), title=_("Re-verify by"), missing=None)
    order = colander.SchemaNode(
        colander.Integer(), title=_("Position in its section (smaller numbers first)"), missing=None,
        validator=colander.Range(0, MAX_ORDER, min_err=_ORDER_ERROR, max_err=_ORDER_ERROR))
    links = colander.SchemaNode(colander.List(), title=_("Related documents (see also)"), widget=_links_widget,
                                validator=_links_validator, missing=[])
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
    # colander's own message lists every choice; the list is right above the field.
    return colander.OneOf([""] + [s.path for s in kw.get("sections", ())],
                          msg_err=_("Choose a section from the list."))


class NewDocumentSchema(DocumentSchema):
    slug = colander.SchemaNode(
        colander.String(), title=_("Address (e.g. handbook/basics/new-page)"), preparer=trimmed,
        validator=colander.All(colander.Length(max=200), colander.Regex(
            SLUG, _("Start with handbook/, policies/, roles/ or scripts/; use a-z, 0-9 and -."))),
        insert_before="title")
    section = colander.SchemaNode(colander.String(), title=_("Section"), widget=_section_widget,
                                  validator=_section_validator, missing="", insert_before="title")



# -- the structured part: role profiles, script sets, and any page's procedures and facts --------
# Every message names its field: in a long form with many phrases, "Required" alone does not say where.
# (Each is a whole message: a translated field name cannot be put into another translated message.)

KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _line(title, max_length, too_long, empty=None, **kw):
    """One line of text; required when `empty` (its message) is given."""
    return colander.SchemaNode(
        colander.String(), title=title, preparer=trimmed, missing=colander.required if empty else "",
        missing_msg=empty or "", validator=colander.All(
            colander.Length(max=max_length, max_err=_(too_long, mapping={"max": max_length})),
            no_control_characters), **kw)


def _key(empty, bad):
    return colander.SchemaNode(colander.String(), title=_("Key (a-z, 0-9 and -)"), preparer=trimmed,
                               missing_msg=empty, validator=colander.All(
                                   colander.Length(max=60, max_err=bad), colander.Regex(KEY, bad)))


def _each_key_once(message):
    def validator(node, value):
        keys = [item["key"] for item in value]
        if len(keys) != len(set(keys)):
            raise colander.Invalid(node, message)
    return validator


def _sequence(child, title, at_least=None, min_len=0, each_once=None, **kw):
    validators = []
    if min_len:
        validators.append(colander.Length(min=min_len, min_err=_(at_least, mapping={"min": min_len})))
    if each_once:
        validators.append(_each_key_once(each_once))
    return colander.SchemaNode(colander.Sequence(), child, title=title, missing=[],
                               validator=colander.All(*validators) if validators else None,
                               widget=deform.widget.SequenceWidget(orderable=True), **kw)


@colander.deferred
def _situation_widget(node, kw):
    from ..services.documents_structured import SITUATIONS

    return deform.widget.SelectWidget(values=[(key, SITUATIONS.get(key, key)) for key in kw["situation_keys"]])


@colander.deferred
def _situation_validator(node, kw):
    return colander.OneOf(kw["situation_keys"], msg_err=_("Situation: unknown situation \u201c${val}\u201d."))


@colander.deferred
def _position_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", "\u2014")] + [(code, f"{code} \u00b7 {name}")
                                                              for code, name in kw["positions"]])


@colander.deferred
def _position_validator(node, kw):
    return colander.OneOf([""] + [code for code, _name in kw["positions"]],
                          msg_err=_("Position: unknown position \u201c${val}\u201d."))


@colander.deferred
def _department_widget(node, kw):
    from ..services.documents_structured import DEPARTMENTS

    return deform.widget.SelectWidget(values=[("", "\u2014")] + list(DEPARTMENTS.items()))


def _number(node, value):
    if not re.fullmatch(r"-?\d{1,12}(\.\d{1,6})?", value):
        raise colander.Invalid(node, _("Number: write a number, such as 60 or 1.5."))


class PhraseSchema(colander.Schema):
    text = _line(_("Phrase"), 500, _("Phrase: at most ${max} characters."), _("Phrase: this cannot be empty."))
    forbidden = colander.SchemaNode(colander.Boolean(), title=_("Forbidden wording"), missing=False,
                                    widget=deform.widget.CheckboxWidget())
    note = _line(_("Note (why, or what to say instead)"), 500, _("Note: at most ${max} characters."))


class SituationSchema(colander.Schema):
    key = colander.SchemaNode(colander.String(), title=_("Situation"), widget=_situation_widget,
                              validator=_situation_validator, missing_msg=_("Situation: choose one."))
    title = _line(_("Heading"), 200, _("Situation heading: at most ${max} characters."),
                  _("Situation heading: this cannot be empty."))
    manner = _line(_("Manner required"), 200, _("Manner: at most ${max} characters."))
    phrases = _sequence(PhraseSchema(name="phrase", title=_("Phrase")), _("Phrases"),
                        _("Phrases: add at least ${min}."), min_len=1)


class ProcedureSchema(colander.Schema):
    key = _key(_("Procedure key: this cannot be empty."),
               _("Procedure key: use a-z, 0-9 and -, at most 60 characters."))
    title = _line(_("Title"), 200, _("Procedure title: at most ${max} characters."),
                  _("Procedure title: this cannot be empty."))
    steps = _sequence(_line(_("Step"), 300, _("Step: at most ${max} characters."), _("Step: this cannot be empty."),
                            name="step"), _("Steps"), _("Steps: add at least ${min}."), min_len=2)


class FactSchema(colander.Schema):
    key = _key(_("Fact key: this cannot be empty."), _("Fact key: use a-z, 0-9 and -, at most 60 characters."))
    label = _line(_("What the number is"), 200, _("Fact label: at most ${max} characters."),
                  _("Fact label: this cannot be empty."))
    value = colander.SchemaNode(colander.String(), title=_("Number"), preparer=trimmed, validator=_number,
                                missing_msg=_("Number: write a number, such as 60 or 1.5."))
    unit = _line(_("Unit"), 20, _("Unit: at most ${max} characters."))


class _Structured(DocumentSchema):
    """Procedures and facts: any document may hold them (the daily drill asks about them).

    The edit forms also move a document to another section of its kind (applied when published).
    """

    section = colander.SchemaNode(colander.String(), title=_("Section"), widget=_move_widget,
                                  validator=_move_validator, missing="", insert_before="order")

    procedures = _sequence(ProcedureSchema(name="procedure", title=_("Procedure")), _("Procedures (steps in order)"),
                           each_once=_("Procedures: each key may be used only once."), insert_before="comment")
    facts = _sequence(FactSchema(name="fact", title=_("Fact")), _("Facts (numbers to remember)"),
                      each_once=_("Facts: each key may be used only once."), insert_before="comment")


class PageSchema(_Structured):
    """Handbook pages and policies."""


class RoleSchema(_Structured):
    position = colander.SchemaNode(colander.String(), title=_("Position"), widget=_position_widget,
                                   validator=_position_validator, missing="", insert_before="body_md")
    position_name = _line(_("Position name"), 100, _("Position name: at most ${max} characters."),
                          insert_before="body_md")
    department = colander.SchemaNode(colander.String(), title=_("Department"), widget=_department_widget,
                                     validator=colander.OneOf(["", "large", "small", "general"]), missing="",
                                     insert_before="body_md")
    duties = _sequence(_line(_("Duty"), 1000, _("Duty: at most ${max} characters."), _("Duty: this cannot be empty."),
                             name="duty"), _("Duties (numbered in this order)"), _("Duties: add at least ${min}."),
                       min_len=1, insert_before="body_md")


class ScriptSetSchema(_Structured):
    situations = _sequence(SituationSchema(name="situation", title=_("Situation")), _("Situations"),
                           _("Situations: add at least ${min}."), min_len=1,
                           each_once=_("Situations: each situation may appear only once."), insert_before="body_md")


SCHEMA_BY_KIND = {"handbook": PageSchema, "policy": PageSchema, "role": RoleSchema, "scripts": ScriptSetSchema}
