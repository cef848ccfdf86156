"""Schemas of the content files: a document's front matter, a folder's `_section.yaml`, and a version's
`data` whoever writes it (docs/content-format.md).

YAML gives typed values, so these types are strict (colander's own would turn 5 into "5" or
accept "yes" for true). Every value that reaches the database is checked here first: a file
that passes cannot fail on a column (a 51-character tag is a DataError on PostgreSQL only) or
crash a reader of `data` (the drill and the QA check walk situations and phrases).
Messages are short phrases: the loader puts them after "file:line: field:".
"""

import re
from datetime import date

import colander

from ..i18n import _
from .documents import KEY, MAX_ORDER, SLUG

SECTION_PATH = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
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
    # A section other than the one of the file's folder: the document was moved on the web (its
    # address, which links and bookmarks use, stays the same).
    section = colander.SchemaNode(_Text(), missing=colander.drop, validator=colander.All(
        colander.Regex(SECTION_PATH, _("must be a section's folder, such as handbook/basics")),
        colander.Length(max=200, max_err=_("at most ${max} characters"))))
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
