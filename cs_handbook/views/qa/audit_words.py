"""QA events of the audit log in words (the admin's audit page asks here for them).

Events keep codes (criterion names, true/false, rule keys); the reader sees
criterion titles, 合格/不合格, 达标/不达标 and the rules' own names.
"""

from ...i18n import _
from ...schemas.qa import CRITERION_TITLES
from ...services.audit import AuditAction
from ...services.qa_scoring import DISPUTE_STATUS_TITLES

ACTION_TITLES = {
    AuditAction.QA_SCORED: _("Transcript scored"),
    AuditAction.QA_RESCORED: _("Transcript score changed"),
    AuditAction.QA_DISPUTED: _("Transcript score disputed"),
    AuditAction.QA_DISPUTE_DECIDED: _("Transcript dispute decided"),
    AuditAction.QA_RULES_CHANGED: _("Points ledger rules changed"),
}
DETAIL_TITLES = {
    "passed": _("Result"),
    "failed": _("Not met"),
    "overrides": _("Overrode the automatic check on"),
    "criteria": _("Disputed"),
    "amended": _("Amended to met"),
    "decision": _("Decision"),
}
RULE_TITLES = {
    "working_days": _("Working days (points) per month"),
    "failures_per_point": _("Failing transcripts in a day per point lost"),
    "daily_cap": _("Points a single day can lose at most"),
    "extra_bonus_at": _("Score that earns the extra bonus"),
    "tiers": _("Bonus tiers"),
}


def target(event, text) -> str:
    if event.target_type == "qa_evaluation":
        return text(_("Scorecard #${id}", mapping={"id": event.target_id}))
    return text(_("Ledger rules from ${month}", mapping={"month": event.target_id}))


def _result(value, text) -> str:
    return text(_("Transcript passed") if value else _("Transcript failed"))


def _met(value, text) -> str:
    return text(_("met") if value else _("not met"))


def _tiers(tiers, text) -> str:
    if not isinstance(tiers, list):
        return "—"
    parts = []
    for tier in tiers:
        if tier.get("bonus_void"):
            parts.append(text(_("Below ${below}: no bonus.", mapping={"below": tier.get("below")})))
        else:
            parts.append(text(_("Below ${below}: bonus cut by ${cut}.",
                                mapping={"below": tier.get("below"), "cut": tier.get("bonus_cut")})))
    return " ".join(parts) or "—"


def details(event, text) -> list[tuple[str, str]]:
    detail = dict(event.detail or {})
    shown = []
    names = lambda values: "、".join(text(CRITERION_TITLES.get(v, v)) for v in values) or "—"  # noqa: E731
    for name, values in (detail.pop("changes", None) or {}).items():
        if not (isinstance(values, list) and len(values) == 2):
            continue
        if name in CRITERION_TITLES:
            shown.append((text(CRITERION_TITLES[name]), f"{_met(values[0], text)} → {_met(values[1], text)}"))
        elif name == "tiers":
            shown.append((text(RULE_TITLES[name]), f"{_tiers(values[0], text)} → {_tiers(values[1], text)}"))
        else:
            shown.append((text(RULE_TITLES.get(name, name)), f"{values[0]} → {values[1]}"))
    for key in ("passed", "failed", "overrides", "criteria", "amended", "decision"):
        if key not in detail:
            continue
        value = detail[key]
        if key == "passed":
            value = (f"{_result(value[0], text)} → {_result(value[1], text)}" if isinstance(value, list)
                     else _result(value, text))
        elif key == "decision":
            value = text(DISPUTE_STATUS_TITLES.get(value, value))
        else:
            value = names(value if isinstance(value, list) else [])
        shown.append((text(DETAIL_TITLES[key]), value))
    return shown
