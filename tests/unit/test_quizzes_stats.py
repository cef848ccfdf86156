"""Item statistics on a hand-computed example."""

import pytest

from cs_handbook.services.quizzes_stats import item_statistics, pearson

SINGLE = {"options": [{"text": "A", "correct": True}, {"text": "B"}, {"text": "C"}]}


def test_hand_computed_example():
    # Three attempts, two questions of 1 point. Q1 (single): answers A, A, B → fractions 1, 1, 0.
    # Q2 (truefalse): fractions 1, 0, 0 (answers true, false, false; key true).
    attempts = [
        [("q1", "Q1", "single", SINGLE, 0, 1.0, 1.0), ("q2", "Q2", "truefalse", {"answer": True}, True, 1.0, 1.0)],
        [("q1", "Q1", "single", SINGLE, 0, 1.0, 1.0), ("q2", "Q2", "truefalse", {"answer": True}, False, 0.0, 1.0)],
        [("q1", "Q1", "single", SINGLE, 1, 0.0, 1.0), ("q2", "Q2", "truefalse", {"answer": True}, False, 0.0, 1.0)],
    ]
    q1, q2 = item_statistics(attempts)
    assert q1["facility"] == pytest.approx(2 / 3, abs=1e-4)
    assert q2["facility"] == pytest.approx(1 / 3, abs=1e-4)
    # Q1 vs rest (Q2's score): x = 1,1,0; y = 1,0,0 → r = 0.5 by hand:
    # mean x = 2/3, mean y = 1/3; sxy = (1/3)(2/3) + (1/3)(-1/3) + (-2/3)(-1/3) = 1/3;
    # sxx = 2/3, syy = 2/3 → r = (1/3) / (2/3) = 0.5.
    assert q1["discrimination"] == 0.5
    assert q2["discrimination"] == 0.5
    assert q1["options"] == [["A", 2], ["B", 1], ["C", 0]]
    assert q2["options"] == [["True", 1], ["False", 2]]  # message ids: the page translates them


def test_no_variation_has_no_discrimination():
    assert pearson([1, 1], [0, 1]) is None
    assert pearson([1], [1]) is None


def test_orders_and_matchings_are_counted_as_the_texts_chosen():
    ordering = {"items": ["记录", "受理", "反馈"]}
    matching = {"pairs": [{"left": "投诉", "right": "甲"}, {"left": "订单", "right": "乙"}], "distractors": ["丙"]}
    attempts = [
        [("o", "O", "ordering", ordering, [0, 1, 2], 1.0, 1.0), ("m", "M", "matching", matching, [0, 2], 0.5, 1.0)],
        [("o", "O", "ordering", ordering, [1, None, 2], 1 / 3, 1.0),
         ("m", "M", "matching", matching, [0, 2], 0.5, 1.0)],
    ]
    order, match = item_statistics(attempts)
    assert order["options"] == [["记录 → 受理 → 反馈", 1], ["受理 → — → 反馈", 1]]
    assert match["options"] == [["投诉→甲；订单→丙", 2]]


def test_each_version_of_a_question_is_its_own_row():
    first = {"options": [{"text": "A", "correct": True}, {"text": "B"}]}
    second = {"options": [{"text": "甲", "correct": True}, {"text": "乙"}, {"text": "丙"}]}
    attempts = [[("v1", "Q (v1)", "single", first, 1, 0.0, 1.0)], [("v2", "Q (v2)", "single", second, 2, 0.0, 1.0)]]
    v1, v2 = item_statistics(attempts)
    assert v1["options"] == [["A", 0], ["B", 1]]
    assert v2["options"] == [["甲", 0], ["乙", 0], ["丙", 1]]
