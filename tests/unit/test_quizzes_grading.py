"""Grading of every question type, with property tests."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_handbook.services.quizzes_grading import AnswerError, combine, correct_answer, grade, normalise, validate
from tests.factories_quizzes import SAMPLE_QUESTIONS

AUTO = [k for k, v in SAMPLE_QUESTIONS.items() if v["type"] != "essay"]


def test_every_sample_correct_answer_scores_full():
    for key in AUTO:
        spec = SAMPLE_QUESTIONS[key]
        assert grade(spec["type"], spec["data"], correct_answer(spec["type"], spec["data"])) == 1.0, key


def test_essay_needs_a_person():
    assert grade("essay", {}, "文字") is None


def test_multiple_partial_credit():
    data = SAMPLE_QUESTIONS["q-multiple"]["data"]
    assert grade("multiple", data, [0]) == 0.5
    assert grade("multiple", data, [0, 2]) == 0.0
    assert grade("multiple", data, [0, 1, 2]) == 0.0
    assert grade("multiple", data, []) == 0.0


def test_short_answer_normalised():
    data = {"answers": ["60秒", "一分钟"]}
    assert grade("short", data, "６０ 秒。") == 1.0
    assert grade("short", data, "一 分钟！") == 1.0
    assert grade("short", data, "59秒") == 0.0
    assert grade("short", data, "  ") == 0.0
    assert normalise("Ａｂ，c d") == "abcd"


def test_truefalse_and_single():
    assert grade("truefalse", {"answer": True}, True) == 1.0
    assert grade("truefalse", {"answer": True}, False) == 0.0
    assert grade("single", SAMPLE_QUESTIONS["q-single"]["data"], 1) == 0.0


@pytest.mark.parametrize("qtype,data,answer", [
    ("single", SAMPLE_QUESTIONS["q-single"]["data"], 5),
    ("single", SAMPLE_QUESTIONS["q-single"]["data"], "0"),
    ("single", SAMPLE_QUESTIONS["q-single"]["data"], True),
    ("multiple", SAMPLE_QUESTIONS["q-multiple"]["data"], [0, 0]),
    ("multiple", SAMPLE_QUESTIONS["q-multiple"]["data"], 1),
    ("truefalse", {"answer": True}, "true"),
    ("short", {"answers": ["a"]}, 3),
    ("ordering", SAMPLE_QUESTIONS["q-order"]["data"], [0, 1, 2]),
    ("ordering", SAMPLE_QUESTIONS["q-order"]["data"], [0, 1, 2, 3, 3]),
    ("matching", SAMPLE_QUESTIONS["q-match"]["data"], [0]),
    ("matching", SAMPLE_QUESTIONS["q-match"]["data"], [0, 7]),
    ("essay", {}, ["x"]),
])
def test_wrong_shapes_refused(qtype, data, answer):
    with pytest.raises(AnswerError):
        validate(qtype, data, answer)


@given(st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=8, unique=True).flatmap(
    lambda items: st.tuples(st.just(items), st.permutations(range(len(items))))))
def test_ordering_permutations_score_fixed_points(case):
    items, permutation = case
    data = {"items": items}
    validate("ordering", data, list(permutation))
    expected = sum(1 for pos, item in enumerate(permutation) if pos == item) / len(items)
    assert grade("ordering", data, list(permutation)) == expected
    assert (expected == 1.0) == (list(permutation) == list(range(len(items))))


@given(st.lists(st.booleans(), min_size=2, max_size=8).filter(any))
def test_multiple_correct_answer_full_marks(flags):
    data = {"options": [{"text": str(i), "correct": f} for i, f in enumerate(flags)]}
    assert grade("multiple", data, correct_answer("multiple", data)) == 1.0


@given(st.lists(st.text(min_size=1).filter(lambda s: normalise(s)), min_size=1, max_size=4))
def test_short_any_accepted_answer_full_marks(answers):
    data = {"answers": answers}
    for answer in answers:
        assert grade("short", data, answer) == 1.0
        assert grade("short", data, f" {answer}。") == 1.0


@given(st.integers(min_value=2, max_value=8).flatmap(lambda n: st.permutations(range(n))))
def test_matching_scores_share_of_correct_pairs(permutation):
    data = {"pairs": [{"left": str(i), "right": f"r{i}"} for i in range(len(permutation))]}
    expected = sum(1 for i, j in enumerate(permutation) if i == j) / len(permutation)
    assert grade("matching", data, list(permutation)) == expected


def test_combine_methods():
    assert combine("highest", [50, 90, 70]) == 90
    assert combine("last", [50, 90, 70]) == 70
    assert combine("first", [50, 90, 70]) == 50
    assert combine("average", [50, 90, 70]) == 70
    assert combine("average", []) == 0.0
