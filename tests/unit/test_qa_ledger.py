"""The monthly points ledger on worked examples from the policy's numbers.

Seed 003: "每天查看每人20条聊天记录，有4条不合格者扣一分 … 共计26分" — each of the
26 working days is worth one point, and a day with 4 failing transcripts
loses it.
"""

from datetime import date

import pytest

from cs_handbook.services.qa_ledger import (
    DEFAULT_LEDGER_RULES,
    LedgerRulesError,
    compute_line,
    rules_for,
    validate_rules,
    versions_of,
    with_version,
)

RULES = validate_rules(DEFAULT_LEDGER_RULES)


def days(*pairs):
    """days((2, 4), (3, 1)) → four failures on the 2nd, one on the 3rd."""
    return [date(2026, 3, d) for d, n in pairs for _ in range(n)]


def test_a_clean_month_keeps_all_26_points_and_earns_the_extra_bonus():
    line = compute_line(1, [], RULES)
    assert (line.points, line.bonus_cut, line.bonus_void, line.extra_bonus) == (26, 0, False, True)


def test_three_failures_in_a_day_cost_nothing_four_cost_one_point():
    assert compute_line(1, days((2, 3)), RULES).points == 26
    line = compute_line(1, days((2, 4)), RULES)
    assert (line.points_lost, line.points, line.extra_bonus) == (1, 25, False)


def test_failures_do_not_add_up_across_days():
    # Three a day on five days: no single day reaches four.
    assert compute_line(1, days((2, 3), (3, 3), (4, 3), (5, 3), (6, 3)), RULES).points == 26


def test_a_day_loses_its_one_point_however_many_fail():
    line = compute_line(1, days((2, 8), (3, 20)), RULES)
    assert (line.points_lost, line.points, line.lost_by_day) == (2, 24, {date(2026, 3, 2): 1, date(2026, 3, 3): 1})


def test_the_daily_cap_is_a_rule():
    rules = validate_rules({**DEFAULT_LEDGER_RULES, "daily_cap": 3})
    assert compute_line(1, days((2, 8)), rules).points_lost == 2
    assert compute_line(1, days((2, 20)), rules).points_lost == 3


def test_a_month_with_every_day_failing_keeps_no_points_and_no_bonus():
    line = compute_line(1, days(*[(d, 4) for d in range(1, 27)]), RULES)
    assert (line.points, line.bonus_void, line.extra_bonus) == (0, True, False)


@pytest.mark.parametrize(
    "lost, points, cut, void",
    [
        (6, 20, 0, False),  # 20 is not below 20
        (7, 19, 50, False),  # below 20: −50
        (11, 15, 50, False),  # 15 is not below 15
        (12, 14, 100, False),  # below 15: −100
        (14, 12, 100, False),  # 12 is not below 12
        (15, 11, 0, True),  # below 12: no bonus
    ],
)
def test_bonus_tiers(lost, points, cut, void):
    line = compute_line(1, days(*[(d, 4) for d in range(1, lost + 1)]), RULES)
    assert (line.points, line.bonus_cut, line.bonus_void) == (points, cut, void)


def test_points_never_go_below_zero():
    assert compute_line(1, days(*[(d, 12) for d in range(1, 29)]), RULES).points == 0


def test_rules_are_data():
    rules = validate_rules(
        {
            "working_days": 22,
            "failures_per_point": 2,
            "extra_bonus_at": 22,
            "tiers": [{"below": 18, "bonus_cut": 30}, {"below": 10, "bonus_void": True}],
        }
    )
    line = compute_line(1, days((2, 2), (3, 2), (4, 2), (5, 2), (6, 2)), rules)
    assert (line.points, line.bonus_cut) == (17, 30)


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"working_days": "x", "failures_per_point": 4, "extra_bonus_at": 26, "tiers": []},
        {"working_days": 40, "failures_per_point": 4, "extra_bonus_at": 26, "tiers": []},
        {"working_days": 26, "failures_per_point": 0, "extra_bonus_at": 26, "tiers": []},
        {"working_days": 26, "failures_per_point": 4, "extra_bonus_at": 27, "tiers": []},
        {"working_days": 26, "failures_per_point": 4, "extra_bonus_at": 26, "tiers": [{"below": -1, "bonus_cut": 5}]},
        {**DEFAULT_LEDGER_RULES, "daily_cap": 0},
        {**DEFAULT_LEDGER_RULES, "daily_cap": 27},
        # cuts shrinking as the score drops
        {**DEFAULT_LEDGER_RULES, "tiers": [{"below": 20, "bonus_cut": 100}, {"below": 15, "bonus_cut": 50}]},
        # "no bonus" above a cut
        {**DEFAULT_LEDGER_RULES, "tiers": [{"below": 20, "bonus_void": True}, {"below": 15, "bonus_cut": 50}]},
        {**DEFAULT_LEDGER_RULES, "tiers": [{"below": 20, "bonus_cut": 50}, {"below": 20, "bonus_cut": 80}]},
        {**DEFAULT_LEDGER_RULES, "tiers": [{"below": 30, "bonus_cut": 50}]},
    ],
)
def test_bad_rules_are_refused(bad):
    with pytest.raises(LedgerRulesError):
        validate_rules(bad)


def test_switched_off_tiers_are_dropped():
    rules = validate_rules({**DEFAULT_LEDGER_RULES, "tiers": [{"below": 0, "bonus_cut": 0},
                                                             {"below": 12, "bonus_void": True}]})
    assert rules["tiers"] == [{"below": 12, "bonus_void": True}]


def test_rules_are_kept_by_the_month_they_take_effect():
    stricter = {**DEFAULT_LEDGER_RULES, "working_days": 22, "extra_bonus_at": 22}
    stored = with_version([], date(2026, 4, 1), stricter)
    assert rules_for(stored, date(2026, 3, 1))["working_days"] == 26  # March keeps the policy's rules
    assert rules_for(stored, date(2026, 4, 1))["working_days"] == 22
    assert rules_for(stored, date(2027, 1, 1))["working_days"] == 22
    later = with_version(stored, date(2026, 6, 1), {**DEFAULT_LEDGER_RULES, "daily_cap": 2})
    assert [start for start, _r in versions_of(later)] == ["0000-00", "2026-04", "2026-06"]
    assert rules_for(later, date(2026, 5, 1))["working_days"] == 22
    assert rules_for(later, date(2026, 7, 1))["daily_cap"] == 2
    again = with_version(later, date(2026, 6, 1), DEFAULT_LEDGER_RULES)  # the same month again replaces it
    assert len(versions_of(again)) == 3 and rules_for(again, date(2026, 6, 1))["daily_cap"] == 1


def test_rules_kept_before_versions_still_apply():
    old = {**DEFAULT_LEDGER_RULES, "working_days": 24, "extra_bonus_at": 24}
    assert rules_for(old, date(2026, 3, 1))["working_days"] == 24
