"""The monthly points ledger of the transcript assessment (聊天记录考核).

The rule is data (a site setting a manager can change), not code. Default,
from ..i18n import _
from the department's policy: every working day is worth one point (26
working days → 26 points); each 4 failing transcripts in a day cost one
point; a month below 20 points cuts the bonus by 50, below 15 by 100,
below 12 voids it; a full score earns the full bonus and is flagged for an
extra one.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..i18n import _
from .site_settings import declare

LEDGER_RULES_KEY = "qa.ledger_rules"
DEFAULT_LEDGER_RULES = {
    "working_days": 26,
    "failures_per_point": 4,
    # Ordered from the mildest to the harshest; the harshest that applies wins.
    "tiers": [
        {"below": 20, "bonus_cut": 50},
        {"below": 15, "bonus_cut": 100},
        {"below": 12, "bonus_void": True},
    ],
    "extra_bonus_at": 26,
}
declare(LEDGER_RULES_KEY, DEFAULT_LEDGER_RULES)


class LedgerRulesError(ValueError):
    pass


def validate_rules(rules: dict) -> dict:
    """Check a rules dict a manager submitted; raise LedgerRulesError with a msgid."""
    try:
        working_days = int(rules["working_days"])
        per_point = int(rules["failures_per_point"])
        extra = int(rules["extra_bonus_at"])
        tiers = [
            {
                "below": int(t["below"]),
                **({"bonus_void": True} if t.get("bonus_void") else {"bonus_cut": int(t["bonus_cut"])}),
            }
            for t in rules["tiers"]
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise LedgerRulesError(_("The ledger rules are incomplete or not numbers.")) from error
    if not 1 <= working_days <= 31 or per_point < 1 or not 0 <= extra <= working_days:
        raise LedgerRulesError(
            _(
                "Working days must be 1–31, failures per point at least 1, "
                "and the extra-bonus score at most the working days."
            )
        )
    if any(t["below"] < 0 or t.get("bonus_cut", 0) < 0 for t in tiers):
        raise LedgerRulesError(_("Thresholds and cuts cannot be negative."))
    tiers.sort(key=lambda t: -t["below"])
    return {"working_days": working_days, "failures_per_point": per_point, "tiers": tiers, "extra_bonus_at": extra}


@dataclass
class LedgerLine:
    """One agent's month."""

    account_id: int
    failures_by_day: dict[date, int] = field(default_factory=dict)
    points_lost: int = 0
    points: int = 0
    bonus_cut: int = 0
    bonus_void: bool = False
    extra_bonus: bool = False

    @property
    def failures(self) -> int:
        return sum(self.failures_by_day.values())


def compute_line(account_id: int, failing_days: list[date], rules: dict) -> LedgerLine:
    """Apply the rules to the dates of one agent's failing transcripts in a month."""
    by_day = Counter(failing_days)
    line = LedgerLine(account_id=account_id, failures_by_day=dict(sorted(by_day.items())))
    line.points_lost = sum(count // rules["failures_per_point"] for count in by_day.values())
    line.points = max(0, rules["working_days"] - line.points_lost)
    for tier in sorted(rules["tiers"], key=lambda t: -t["below"]):
        if line.points < tier["below"]:
            if tier.get("bonus_void"):
                line.bonus_void = True
                line.bonus_cut = 0
            else:
                line.bonus_cut = tier["bonus_cut"]
    line.extra_bonus = line.points >= rules["extra_bonus_at"]
    return line
