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
    ("ordering", SAMPLE_QUESTIONS["q-order"]["data"], [0, 1, 2, 3, 5]),
    ("ordering", SAMPLE_QUESTIONS["q-order"]["data"], [0, 1, 2, 3, "4"]),
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


def test_a_partly_filled_ordering_scores_the_places_it_gets_right():
    data = SAMPLE_QUESTIONS["q-order"]["data"]  # five steps
    assert validate("ordering", data, [0, None, None, 3, None]) == [0, None, None, 3, None]
    assert grade("ordering", data, [0, None, None, 3, None]) == 0.4
    # A step put in two places is right in at most one of them.
    assert grade("ordering", data, [1, 1, 2, 3, 4]) == 0.8
    # Nothing chosen is no answer.
    assert validate("ordering", data, [None] * 5) is None


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


# -- a correct answer scores full marks, for every type and any question of it ----------------

_texts = st.text(min_size=1, max_size=12).filter(lambda s: s.strip())


def _choice(qtype):
    def build(flags):
        return {"options": [{"text": f"选项{i}", "correct": True} if f else {"text": f"选项{i}"}
                            for i, f in enumerate(flags)]}
    if qtype == "single":
        return st.integers(min_value=2, max_value=8).flatmap(
            lambda n: st.integers(min_value=0, max_value=n - 1).map(lambda k: build([i == k for i in range(n)])))
    return st.lists(st.booleans(), min_size=2, max_size=8).filter(any).map(build)


QUESTIONS = st.one_of(
    _choice("single").map(lambda d: ("single", d)),
    _choice("multiple").map(lambda d: ("multiple", d)),
    st.booleans().map(lambda b: ("truefalse", {"answer": b})),
    st.lists(_texts.filter(normalise), min_size=1, max_size=4).map(lambda a: ("short", {"answers": a})),
    st.lists(_texts, min_size=2, max_size=8).map(lambda items: ("ordering", {"items": items})),
    st.lists(st.tuples(_texts, _texts), min_size=2, max_size=6).map(
        lambda pairs: ("matching", {"pairs": [{"left": a, "right": b} for a, b in pairs]})),
)


@given(QUESTIONS)
def test_correct_answer_always_scores_full_marks(question):
    qtype, data = question
    answer = correct_answer(qtype, data)
    assert validate(qtype, data, answer) == answer
    assert grade(qtype, data, answer) == 1.0


@given(QUESTIONS, st.randoms(use_true_random=False))
def test_marks_stay_between_zero_and_one_and_blank_scores_zero(question, rng):
    qtype, data = question
    assert grade(qtype, data, None) == 0.0
    if qtype in ("single", "multiple"):
        n = len(data["options"])
        answer = rng.randrange(n) if qtype == "single" else rng.sample(range(n), rng.randint(0, n))
    elif qtype in ("ordering", "matching"):
        answer = list(range(len(data["items" if qtype == "ordering" else "pairs"])))
        rng.shuffle(answer)
    elif qtype == "truefalse":
        answer = rng.random() < 0.5
    else:
        answer = "随便写写"
    assert 0.0 <= grade(qtype, data, validate(qtype, data, answer)) <= 1.0


@given(_choice("multiple"), st.data())
def test_multiple_full_marks_only_for_exactly_the_correct_set(data, draw):
    n = len(data["options"])
    chosen = draw.draw(st.lists(st.integers(min_value=0, max_value=n - 1), unique=True))
    correct = set(correct_answer("multiple", data))
    score = grade("multiple", data, chosen)
    assert (score == 1.0) == (set(chosen) == correct)
    wrong = n - len(correct)
    expected = len(set(chosen) & correct) / len(correct) - (len(set(chosen) - correct) / wrong if wrong else 0)
    assert score == pytest.approx(max(0.0, expected))


# Letters, digits and punctuation (combining marks compose differently once spaces split them).
_words = st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd", "Po")), min_size=1, max_size=12).filter(normalise)


@given(st.lists(_words, min_size=1, max_size=4), st.data())
def test_short_answer_ignores_width_case_spaces_and_punctuation(answers, draw):
    accepted = draw.draw(st.sampled_from(answers))
    # Full-width forms of ASCII, spaces and punctuation around and inside: still the same answer.
    wide = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in accepted)
    # Capitals of letters whose case round trip is lossless: Turkish ı capitalises to I, which is
    # another letter's capital, so someone typing it in capitals has written a different word.
    shouted = "".join(ch.upper() if normalise(ch.upper()) == normalise(ch) else ch for ch in accepted)
    for variant in (wide, f"  {shouted} ", f"{accepted}。！", " ".join(accepted)):
        assert grade("short", {"answers": answers}, variant) == 1.0
