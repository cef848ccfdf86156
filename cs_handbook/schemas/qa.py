"""Schemas of the QA forms: transcript import, scorecard, dispute, ledger rules."""

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


class DisputeSchema(CSRFSchema):
    comment = long_text(_("Why do you disagree?"), 2000, required=True)


class LedgerRulesSchema(CSRFSchema):
    working_days = colander.SchemaNode(
        colander.Integer(), title=_("Working days (points) per month"), validator=colander.Range(1, 31)
    )
    failures_per_point = colander.SchemaNode(
        colander.Integer(), title=_("Failing transcripts in a day per point lost"), validator=colander.Range(1, 100)
    )
    cut_below_1 = colander.SchemaNode(
        colander.Integer(),
        title=_("Below this score the bonus is cut by the first amount"),
        validator=colander.Range(0, 31),
    )
    cut_amount_1 = colander.SchemaNode(colander.Integer(), title=_("First cut"), validator=colander.Range(0, 100000))
    cut_below_2 = colander.SchemaNode(
        colander.Integer(),
        title=_("Below this score the bonus is cut by the second amount"),
        validator=colander.Range(0, 31),
    )
    cut_amount_2 = colander.SchemaNode(colander.Integer(), title=_("Second cut"), validator=colander.Range(0, 100000))
    void_below = colander.SchemaNode(
        colander.Integer(), title=_("Below this score there is no bonus"), validator=colander.Range(0, 31)
    )
    extra_bonus_at = colander.SchemaNode(
        colander.Integer(), title=_("Score that earns the extra bonus"), validator=colander.Range(0, 31)
    )
    sample_size = colander.SchemaNode(
        colander.Integer(), title=_("Transcripts sampled per agent per day"), validator=colander.Range(1, 500)
    )
    first_response_seconds = colander.SchemaNode(
        colander.Integer(),
        title=_("First response limit (seconds)"),
        description=_("The automatic check fails a transcript whose first agent reply comes later than this."),
        validator=colander.Range(1, 3600),
    )
