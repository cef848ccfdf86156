"""The monthly points ledger on worked examples from the policy's numbers."""

from datetime import date

import pytest

from cs_handbook.services.qa_ledger import DEFAULT_LEDGER_RULES, LedgerRulesError, compute_line, validate_rules

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


def test_eight_failures_in_one_day_cost_two_points():
    assert compute_line(1, days((2, 8)), RULES).points_lost == 2


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
    ],
)
def test_bad_rules_are_refused(bad):
    with pytest.raises(LedgerRulesError):
        validate_rules(bad)
