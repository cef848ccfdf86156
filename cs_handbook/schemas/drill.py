"""Input of the drill's forms: colander schemas for the settings and item forms, and the answer parser."""

import math
import unicodedata

import colander
import deform

from ..i18n import _
from ..ids import parse_id
from ..services.drill import LIMITS, DrillError
from .base import CSRFSchema, no_control_characters, text_node, trimmed


def parse_answer(post) -> tuple[int, dict, str | None]:
    """(entry id, response, confidence) from an answer form; bad input → DrillError 400."""
    entry_id = parse_id(post.get("entry_id", ""))
    if entry_id is None:
        raise DrillError("This item is not in today's drill.", 400)
    confidence = post.get("confidence") or None
    if confidence not in (None, "hard", "easy"):
        raise DrillError("Unknown confidence.", 400)
    steps = _numbered(post, "step_")
    if steps:
        return entry_id, {"order": steps}, confidence
    matches = _numbered(post, "match_")
    if matches:
        return entry_id, {"match": matches}, confidence
    values = [v for v in post.getall("choice") if v] if hasattr(post, "getall") else []
    if values:
        if len(values) > 50:
            raise DrillError("Please give an answer.", 400)
        return entry_id, {"values": values}, confidence
    value = post.get("value", "").strip()
    if not value or len(value) > 500:
        raise DrillError("Please give an answer.", 400)
    return entry_id, {"value": value}, confidence


def _numbered(post, prefix: str) -> list[str]:
    """The values of fields `<prefix>0`, `<prefix>1`, … in number order (at most 50)."""
    found = sorted((int(k[len(prefix):]), v) for k, v in post.items()
                   if k.startswith(prefix) and k[len(prefix):].isascii() and k[len(prefix):].isdigit()
                   and len(k) < len(prefix) + 4)
    if len(found) > 50:
        raise DrillError("Please give an answer.", 400)
    return [v for _n, v in found]


def _finite(node, value):
    if not math.isfinite(value):
        raise colander.Invalid(node, _("Enter a number."))


def _limit(name: str, kind=colander.Int):
    """A team setting within the service's limits (`LIMITS`), so the form and the service agree."""
    low, high = LIMITS[name]
    return colander.All(colander.Range(low, high), _finite) if kind is colander.Float else colander.Range(low, high)


class TeamSettingsSchema(CSRFSchema):
    new_per_day = colander.SchemaNode(
        colander.Int(), title=_("New items per day"), validator=_limit("new_per_day"),
        description=_("Items a person has not seen before, at most this many a day."))
    reviews_per_day = colander.SchemaNode(
        colander.Int(), title=_("Reviews per day"), validator=_limit("reviews_per_day"),
        description=_("Due reviews a day; in a backlog the ones being forgotten fastest come first."))
    target_retention = colander.SchemaNode(
        colander.Float(), title=_("Target retention"), validator=_limit("target_retention", colander.Float),
        description=_("The recall FSRS aims for when it spaces reviews, from 0.7 to 0.97: higher means more "
                      "frequent reviews."))
    targeted_per_day = colander.SchemaNode(
        colander.Int(), title=_("Targeted items per day"), validator=_limit("targeted_per_day"),
        description=_("Items brought in by a failed QA criterion that a day may add, ahead of the reviews."))


class ItemUpdateSchema(CSRFSchema):
    action = colander.SchemaNode(colander.String(), validator=colander.OneOf(("suspend", "activate")))


CHOICE_KINDS = ("pick-phrase", "spot-forbidden", "match-duty-role")
ANSWER_KINDS = (*CHOICE_KINDS, "recall-number", "order-steps")  # whose answer a trainer may correct here


def _lines(value):
    """A textarea's lines (a string in, the list of its non-empty lines out)."""
    return [line.strip() for line in value.splitlines() if line.strip()] if isinstance(value, str) else value


def _number(node, value):
    try:
        number = float(unicodedata.normalize("NFKC", value).strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise colander.Invalid(node, _("Enter a number."))


def _same_steps(steps):
    def validator(node, value):
        if sorted(value) != sorted(steps):
            raise colander.Invalid(node, _("List the same steps, one per line, in the right order."))
    return validator


def item_fix_schema(item) -> colander.Schema:
    """The fix form of one drill item: its question, explanation and (for generated items) its answer."""
    schema = CSRFSchema()
    schema.add(text_node(_("Question"), 2000, name="prompt"))
    schema.add(colander.SchemaNode(
        colander.String(), name="explanation", title=_("Explanation"), missing="", preparer=trimmed,
        validator=colander.All(colander.Length(max=4000), no_control_characters),
        widget=deform.widget.TextAreaWidget(rows=3)))
    if item.kind in CHOICE_KINDS:
        choices = [str(c) for c in item.payload.get("choices") or ()]
        schema.add(colander.SchemaNode(colander.String(), name="answer", title=_("Right answer"),
                                       validator=colander.OneOf(choices),
                                       widget=deform.widget.SelectWidget(values=[(c, c) for c in choices])))
    elif item.kind == "recall-number":
        schema.add(colander.SchemaNode(colander.String(), name="answer", title=_("Right answer"),
                                       validator=colander.All(colander.Length(max=30), _number)))
    elif item.kind == "order-steps":
        schema.add(colander.SchemaNode(
            colander.String(), name="answer", title=_("Steps in the right order"), preparer=_lines,
            validator=_same_steps([str(c) for c in item.payload.get("choices") or ()]),
            description=_("One step per line."), widget=deform.widget.TextAreaWidget(rows=8)))
    return schema


def answer_of(kind: str, value) -> dict:
    """The stored answer of a fixed item from the form's value."""
    if kind == "order-steps":
        return {"order": list(value)}
    if kind == "recall-number":
        number = float(unicodedata.normalize("NFKC", value).strip())
        return {"value": int(number) if number.is_integer() else number}
    return {"value": value}
