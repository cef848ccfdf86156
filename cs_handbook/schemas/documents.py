"""Forms of the documents area: a document's editable fields and a workflow comment."""

import re
from datetime import date

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


class CommentSchema(CSRFSchema):
    comment = colander.SchemaNode(colander.String(), title=_("Comment"), preparer=trimmed,
                                  validator=colander.Length(max=1000), missing="")



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
    """Procedures and facts: any document may hold them (the daily drill asks about them)."""

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


# -- content files: a document's front matter and a folder's _section.yaml -----------------------
# YAML gives typed values, so these types are strict (colander's own would turn 5 into "5" or
# accept "yes" for true). Every value that reaches the database is checked here first: a file
# that passes cannot fail on a column (a 51-character tag is a DataError on PostgreSQL only) or
# crash a reader of `data` (the drill and the QA check walk situations and phrases).
# Messages are short phrases: the loader puts them after "file:line: field:".

MAX_ORDER = 1_000_000
DATA_KEYS = ("order", "sources", "links", "position", "position_name", "department", "duties", "situations",
             "procedures", "facts", "effective", "expires", "review_due")
FILE_KEYS = ("title", "summary", "tags", *DATA_KEYS)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _typed(check, msgid):
    class Strict(colander.SchemaType):
        def deserialize(self, node, cstruct):
            if cstruct is colander.null:
                return colander.null
            if not check(cstruct):
                raise colander.Invalid(node, msgid)
            return cstruct

    return Strict


_Text = _typed(lambda v: isinstance(v, str), _("must be text"))
_Whole = _typed(lambda v: isinstance(v, int) and not isinstance(v, bool), _("must be a whole number"))
_Number = _typed(lambda v: isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 1e12,
                 _("must be a number, such as 60 or 1.5"))
_Flag = _typed(lambda v: isinstance(v, bool), _("must be true or false"))


class _IsoDate(colander.SchemaType):
    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        try:
            if isinstance(cstruct, str) and ISO_DATE.match(cstruct):
                return date.fromisoformat(cstruct)
        except ValueError:
            pass
        raise colander.Invalid(node, _("must be a real date written YYYY-MM-DD, such as 2026-03-01"))


class _List(colander.Sequence):
    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and not isinstance(cstruct, list):
            raise colander.Invalid(node, _("must be a list"))
        return super().deserialize(node, cstruct)


class _Keys(colander.Mapping):
    """A mapping whose unknown keys reach the validator (and are reported, not dropped)."""

    def __init__(self):
        super().__init__(unknown="preserve")

    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and not isinstance(cstruct, dict):
            raise colander.Invalid(node, _("must be keys with values (key: value)"))
        return super().deserialize(node, cstruct)


def _known_keys(node, value):
    unknown = [str(k) for k in value if k not in {child.name for child in node.children}]
    if unknown:
        raise colander.Invalid(node, _("unknown key ${key}; the keys allowed here are ${keys}",
                                       mapping={"key": unknown[0], "keys": ", ".join(c.name for c in node.children)}))


def _no_control(node, value):
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in value) or "\x7f" in value:
        raise colander.Invalid(node, _("control characters are not allowed"))


def _not_blank(node, value):
    if not value.strip():
        raise colander.Invalid(node, _("must not be empty"))


def _file_text(max_length, required=True, **kw):
    validators = [colander.Length(max=max_length, max_err=_("at most ${max} characters")), _no_control]
    return colander.SchemaNode(_Text(), missing=colander.required if required else colander.drop,
                               missing_msg=_("is required"),
                               validator=colander.All(*([_not_blank] if required else []), *validators), **kw)


def _file_key(**kw):
    bad = _("use a-z, 0-9 and - only (at most 60 characters)")
    return colander.SchemaNode(_Text(), missing_msg=_("is required"), validator=colander.All(
        colander.Regex(KEY, bad), colander.Length(max=60, max_err=bad)), **kw)


def _file_list(child, required=False, min_items=0, max_items=1000, each_once=False, **kw):
    def validator(node, value):
        if len(value) < min_items:
            raise colander.Invalid(node, _("needs at least ${min} items", mapping={"min": min_items}))
        if len(value) > max_items:
            raise colander.Invalid(node, _("at most ${max} items", mapping={"max": max_items}))
        if each_once:
            keys = [item["key"] for item in value]
            twice = [k for k in dict.fromkeys(keys) if keys.count(k) > 1]
            if twice:
                raise colander.Invalid(node, _("the key ${key} is used more than once", mapping={"key": twice[0]}))

    return colander.SchemaNode(_List(), child, missing=colander.required if required else colander.drop,
                               missing_msg=_("is required (a list)"), validator=validator, **kw)


def _one_of(choices):
    def validator(node, value):
        if value not in choices:
            raise colander.Invalid(node, _("unknown value \u201c${value}\u201d; use one of ${choices}",
                                           mapping={"value": value, "choices": ", ".join(choices)}))
    return validator


class _KeyedSchema(colander.Schema):
    schema_type = _Keys

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_known_keys, **kw)


class PhraseFileSchema(_KeyedSchema):
    text = _file_text(500)
    forbidden = colander.SchemaNode(_Flag(), missing=colander.drop)
    note = _file_text(500, required=False)


class SituationFileSchema(_KeyedSchema):
    key = _file_key()
    title = _file_text(200)
    manner = _file_text(200, required=False)
    phrases = _file_list(PhraseFileSchema(name="phrase"), required=True, min_items=1)


class ProcedureFileSchema(_KeyedSchema):
    key = _file_key()
    title = _file_text(200)
    steps = _file_list(_file_text(300, name="step"), required=True, min_items=2, max_items=50)


class FactFileSchema(_KeyedSchema):
    key = _file_key()
    label = _file_text(200)
    value = colander.SchemaNode(_Number(), missing_msg=_("is required"))
    unit = _file_text(20, required=False)


def _slug(node, value):
    if not SLUG.match(value) or len(value) > 200:
        raise colander.Invalid(node, _("not a document address (handbook/…, policies/…, roles/… or scripts/…, "
                                       "a-z, 0-9 and -)"))


def _date_order(node, value):
    _known_keys(node, value)
    if value.get("effective") and value.get("expires") and value["expires"] <= value["effective"]:
        error = colander.Invalid(node, "")
        error["expires"] = _("must come after the effective date")
        raise error


class DocumentDataSchema(colander.Schema):
    """A version's `data` (front matter without title, summary and tags), whoever writes it."""

    schema_type = _Keys
    order = colander.SchemaNode(_Whole(), missing=colander.drop, validator=colander.Range(
        0, MAX_ORDER, min_err=_("must be between 0 and ${max}", mapping={"max": MAX_ORDER}),
        max_err=_("must be between 0 and ${max}", mapping={"max": MAX_ORDER})))
    sources = _file_list(_file_text(20, name="source"), max_items=50)
    links = _file_list(colander.SchemaNode(_Text(), name="link", validator=_slug), max_items=100)
    position = _file_text(60, required=False)
    position_name = _file_text(100, required=False)
    department = colander.SchemaNode(_Text(), missing=colander.drop, validator=_one_of(("large", "small", "general")))
    duties = _file_list(_file_text(1000, name="duty"), max_items=200)
    situations = _file_list(SituationFileSchema(name="situation"), each_once=True, max_items=100)
    procedures = _file_list(ProcedureFileSchema(name="procedure"), each_once=True, max_items=100)
    facts = _file_list(FactFileSchema(name="fact"), each_once=True, max_items=200)
    effective = colander.SchemaNode(_IsoDate(), missing=colander.drop)
    expires = colander.SchemaNode(_IsoDate(), missing=colander.drop)
    review_due = colander.SchemaNode(_IsoDate(), missing=colander.drop)

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_date_order, **kw)


class DocumentFileSchema(DocumentDataSchema):
    """A document file's front matter."""

    title = _file_text(200, insert_before="order")
    summary = _file_text(1000, insert_before="order")
    tags = _file_list(_file_text(50, name="tag"), max_items=20, insert_before="order")
    sources = _file_list(_file_text(20, name="source"), required=True, max_items=50)


class SectionFileSchema(_KeyedSchema):
    """A folder's `_section.yaml`."""

    title = _file_text(200)
    order = colander.SchemaNode(_Whole(), missing=colander.drop, validator=colander.Range(
        0, MAX_ORDER, min_err=_("must be between 0 and ${max}", mapping={"max": MAX_ORDER}),
        max_err=_("must be between 0 and ${max}", mapping={"max": MAX_ORDER})))
    summary = _file_text(1000, required=False)


def invalid_fields(error: colander.Invalid, path=()) -> list[tuple[tuple, object]]:
    """(path, message) for each problem in `error`; a path holds key names and list positions."""
    found = []
    for child in error.children:
        step = child.pos if isinstance(error.node.typ, colander.Sequence) else child.node.name
        found += invalid_fields(child, path + (step,))
    if error.msg:
        found.insert(0, (path, error.msg if not isinstance(error.msg, list) else error.msg[0]))
    return found
