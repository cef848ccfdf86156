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
    assert q2["options"] == [["true", 1], ["false", 2]]


def test_no_variation_has_no_discrimination():
    assert pearson([1, 1], [0, 1]) is None
    assert pearson([1], [1]) is None
