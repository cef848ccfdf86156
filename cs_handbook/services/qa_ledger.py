"""The monthly points ledger of the transcript assessment (聊天记录考核).

The rule is data (a site setting), not code. Default, from the
department's policy: every working day is worth one point (26 working days
→ 26 points); 4 failing transcripts in a day lose that day's point, and a
day can lose no more than its point however many fail (the daily cap, a
setting); a month below 20 points cuts the bonus by 50, below 15 by 100,
below 12 voids it; a full score is flagged for an extra bonus.

Rules are kept by the month they take effect: a month is computed with the
latest rules effective on or before it, so changing the rules never
rewrites a month already past.
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
    "daily_cap": 1,  # points a single day can lose
    # Ordered from the mildest to the harshest; the harshest that applies wins.
    "tiers": [
        {"below": 20, "bonus_cut": 50},
        {"below": 15, "bonus_cut": 100},
        {"below": 12, "bonus_void": True},
    ],
    "extra_bonus_at": 26,
}
# The setting holds versions: [{"from": "YYYY-MM", "rules": {...}}], oldest first.
declare(LEDGER_RULES_KEY, [])


class LedgerRulesError(ValueError):
    """Rules refused; `msgid` says why, `field` names the form field it is about."""

    def __init__(self, msgid, field: str = "extra_bonus_at"):
        super().__init__(msgid)
        self.msgid, self.field = msgid, field


def validate_rules(rules: dict) -> dict:
    """Check a rules dict; raise LedgerRulesError with a msgid. Returns the rules cleaned and ordered."""
    try:
        working_days = int(rules["working_days"])
        per_point = int(rules["failures_per_point"])
        cap = int(rules.get("daily_cap", 1))
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
    if not 1 <= cap <= working_days:
        raise LedgerRulesError(_("A day can lose at least one point and at most the month's points."))
    if any(t["below"] < 0 or t["below"] > working_days or t.get("bonus_cut", 0) < 0 for t in tiers):
        raise LedgerRulesError(_("Thresholds must be between 0 and the working days, and cuts cannot be negative."))
    # A threshold of 0 is a tier switched off: no score is below 0.
    tiers = sorted((t for t in tiers if t["below"] > 0), key=lambda t: -t["below"])
    thresholds = [t["below"] for t in tiers]
    if len(set(thresholds)) != len(thresholds):
        raise LedgerRulesError(_("Two tiers have the same threshold."))
    cuts = [t["bonus_cut"] for t in tiers if not t.get("bonus_void")]
    if cuts != sorted(cuts) or any(t.get("bonus_void") for t in tiers[:-1]):
        raise LedgerRulesError(
            _("The lower the score, the harsher the tier: cuts must grow as thresholds fall, and no bonus comes last.")
        )
    return {"working_days": working_days, "failures_per_point": per_point, "daily_cap": cap, "tiers": tiers,
            "extra_bonus_at": extra}


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def versions_of(stored) -> list[tuple[str, dict]]:
    """(first month "YYYY-MM", rules) oldest first, from the setting; the policy's defaults before any."""
    if isinstance(stored, dict):  # the rules as they were kept before versions: in force from the start
        stored = [{"from": "2000-01", "rules": stored}]
    versions = [("0000-00", validate_rules(DEFAULT_LEDGER_RULES))]
    for entry in stored or []:
        try:
            versions.append((str(entry["from"]), validate_rules(entry["rules"])))
        except (KeyError, TypeError, LedgerRulesError):
            continue  # a damaged entry falls back to the rules before it
    return sorted(versions, key=lambda v: v[0])


def rules_for(stored, month: date) -> dict:
    """The rules in force in `month`: the latest version effective on or before it."""
    key = month_key(month)
    return [rules for start, rules in versions_of(stored) if start <= key][-1]


def with_version(stored, month: date, rules: dict) -> list[dict]:
    """The setting with `rules` in force from `month` (replacing a version of that very month)."""
    key = month_key(month)
    kept = [{"from": start, "rules": r} for start, r in versions_of(stored) if start not in ("0000-00", key)]
    return sorted([*kept, {"from": key, "rules": validate_rules(rules)}], key=lambda v: v["from"])


@dataclass
class LedgerLine:
    """One agent's month."""

    account_id: int
    failures_by_day: dict[date, int] = field(default_factory=dict)
    lost_by_day: dict[date, int] = field(default_factory=dict)
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
    cap = rules.get("daily_cap", 1)
    line.lost_by_day = {
        day: min(cap, count // rules["failures_per_point"])
        for day, count in line.failures_by_day.items()
        if count >= rules["failures_per_point"]
    }
    line.points_lost = sum(line.lost_by_day.values())
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
