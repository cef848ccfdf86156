"""Schemas of the QA forms: transcript import, scorecard, dispute and its decision, ledger rules."""

import re

import colander
import deform

from ..forms import UploadTmpStore
from ..i18n import _
from ..models.qa import CRITERIA
from .base import CSRFSchema, no_control_characters, trimmed

CRITERION_TITLES = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "attitude": _("Attitude"),
    "wording": _("Service wording"),
    "knowledge": _("Product knowledge"),
    "timeliness": _("Timeliness of response"),
    "clarity": _("Clarity"),
}
# The automatic checks, named where they differ from the criterion they inform.
CHECK_TITLES = {
    "apology": _("Apology"),
    "forbidden": _("Forbidden wording"),
    "first_response": _("First response"),
}


class TranscriptImportSchema(CSRFSchema):
    transcripts = colander.SchemaNode(
        deform.FileData(),
        title=_("Transcript file (CSV or JSON, UTF-8)"),
        widget=deform.widget.FileUploadWidget(tmpstore=UploadTmpStore()),
    )


def long_text(title, max_length, required=False, name=""):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        name=name,
        preparer=trimmed,
        validator=colander.All(colander.Length(min=1 if required else 0, max=max_length), no_control_characters),
        widget=deform.widget.TextAreaWidget(rows=3),
        **({} if required else {"missing": ""}),
    )


class CriterionSchema(colander.Schema):
    ok = colander.SchemaNode(colander.Boolean(), title=_("Meets the standard"), missing=False)
    note = long_text(_("Evaluator's note"), 500)


def scorecard_schema() -> colander.Schema:
    schema = CSRFSchema()
    for name in CRITERIA:
        schema.add(CriterionSchema(name=name, title=CRITERION_TITLES[name]))
    comment = long_text(_("Comment"), 2000)
    comment.name = "comment"
    schema.add(comment)
    return schema


def dispute_schema(failed: list[tuple[str, str]]) -> colander.Schema:
    """The agent's dispute: why, and which of the criteria marked as not met (none ticked: all of them)."""
    schema = CSRFSchema()
    schema.add(colander.SchemaNode(
        colander.Set(), name="criteria", title=_("Which criteria do you dispute?"), missing=(),
        widget=deform.widget.CheckboxChoiceWidget(values=failed),
        validator=colander.ContainsOnly([name for name, _title in failed]),
    ))
    comment = long_text(_("Why do you disagree?"), 2000, required=True)
    comment.name = "comment"
    schema.add(comment)
    return schema


DECISIONS = ("accept", "reject")


def dispute_resolve_schema(failed: list[tuple[str, str]]) -> colander.Schema:
    schema = CSRFSchema()
    schema.add(colander.SchemaNode(
        colander.String(), name="decision", title=_("Decision"),
        widget=deform.widget.SelectWidget(values=[
            ("accept", _("Uphold: amend the ticked criteria to met")),
            ("reject", _("Reject: the scorecard stands")),
        ]),
        validator=colander.OneOf(DECISIONS),
    ))
    schema.add(colander.SchemaNode(
        colander.Set(), name="amend", title=_("Criteria to amend when upholding"), missing=(),
        widget=deform.widget.CheckboxChoiceWidget(values=failed),
        validator=colander.ContainsOnly([name for name, _title in failed]),
    ))
    resolution = long_text(_("Answer to the agent"), 2000)
    resolution.name = "resolution"
    schema.add(resolution)
    return schema


def _month(node, value):
    if not re.fullmatch(r"(20\d\d|2100)-(0[1-9]|1[0-2])", value):
        raise colander.Invalid(node, _("The month must look like 2026-03."))


def _number(title, low, high, **kw):
    return colander.SchemaNode(colander.Integer(), title=title, validator=colander.Range(low, high), **kw)


class LedgerRulesSchema(CSRFSchema):
    effective_from = colander.SchemaNode(
        colander.String(), title=_("In force from (month)"),
        description=_("This month or a later one: months already under way or past keep the rules they had."),
        preparer=trimmed, validator=_month, widget=deform.widget.TextInputWidget(type_name="month"),
    )
    working_days = _number(_("Working days (points) per month"), 1, 31)
    failures_per_point = _number(_("Failing transcripts in a day per point lost"), 1, 100)
    daily_cap = _number(_("Points a single day can lose at most"), 1, 31,
                        description=_("The policy: a day is worth one point, however many transcripts fail."))
    cut_below_1 = _number(_("Below this score the bonus is cut by the first amount"), 0, 31,
                          description=_("0 switches this tier off."))
    cut_amount_1 = _number(_("First cut"), 0, 100000)
    cut_below_2 = _number(_("Below this score the bonus is cut by the second amount"), 0, 31,
                          description=_("0 switches this tier off."))
    cut_amount_2 = _number(_("Second cut"), 0, 100000)
    void_below = _number(_("Below this score there is no bonus"), 0, 31, description=_("0 switches this tier off."))
    extra_bonus_at = _number(_("Score that earns the extra bonus"), 0, 31)
    sample_size = _number(_("Transcripts sampled per agent per day"), 1, 500)
    first_response_seconds = _number(
        _("First response limit (seconds)"), 1, 3600,
        description=_("The automatic check fails a transcript whose first agent reply comes later than this."),
    )
