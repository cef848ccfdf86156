"""Default question bank and quizzes (training/questions, training/quizzes).

Reads the YAML files directly (format: docs/content-format.md, sections
"Question bank" and "Quizzes"); does not import the application.
"""
import collections
import functools
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
QUESTIONS = ROOT / "training" / "questions"
QUIZZES = ROOT / "training" / "quizzes"

TYPES = {"single", "multiple", "truefalse", "short", "ordering", "matching", "essay"}
MIN_PER_TYPE = {t: 10 for t in TYPES} | {"essay": 5}
MIN_QUESTIONS = 180
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TRADITIONAL_ONLY = set("們這說會為與經務")
QUESTION_KEYS = {
    "key", "type", "text", "source", "tags", "points", "explanation",
    "options", "answer", "answers", "items", "pairs", "rubric",
}
QUIZ_KEYS = {
    "title", "description", "pass_mark", "time_limit_minutes", "attempts_allowed",
    "grading", "shuffle_questions", "shuffle_options", "one_per_page", "questions", "random",
    "review",
}
REQUIRED_QUIZZES = {
    "day1-culture-etiquette", "day2-workflow-roles", "day3-product-issues",
    "policies-check", "scripts-check",
}


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)


QUESTION_FILES = sorted(QUESTIONS.glob("*.yaml"))
QUIZ_FILES = sorted(QUIZZES.glob("*.yaml"))


@functools.cache
def bank():
    """{category slug: data}"""
    return {path.stem: load(path) for path in QUESTION_FILES}


def all_questions():
    for slug, data in bank().items():
        for question in data["questions"]:
            yield slug, question


def document_slugs():
    return {
        path.relative_to(POLICIES).with_suffix("").as_posix()
        for path in POLICIES.rglob("*.md")
    }


def test_files_exist():
    assert QUESTION_FILES, "no question files"
    assert {p.stem for p in QUIZ_FILES} >= REQUIRED_QUIZZES


@pytest.mark.parametrize("path", QUESTION_FILES + QUIZ_FILES, ids=lambda p: p.name)
def test_parses_with_unique_keys(path):
    data = load(path)
    assert isinstance(data, dict)


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.name)
def test_category_file(path):
    data = load(path)
    assert set(data) <= {"category", "description", "questions"}
    assert isinstance(data.get("category"), str) and data["category"].strip()
    assert isinstance(data.get("description"), str) and data["description"].strip()
    assert re.fullmatch(r"[a-z0-9-]+", path.stem)
    questions = data["questions"]
    assert isinstance(questions, list) and questions
    keys = [q.get("key") for q in questions]
    duplicates = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert not duplicates, f"{path.name}: duplicate question keys {duplicates}"
    for key in keys:
        assert isinstance(key, str) and KEY_RE.match(key), f"{path.name}: bad key {key!r}"


def _check_question(cat, q):
    where = f"{cat}/{q.get('key')}"
    assert set(q) <= QUESTION_KEYS, f"{where}: unknown fields {set(q) - QUESTION_KEYS}"
    kind = q.get("type")
    assert kind in TYPES, f"{where}: bad type {kind!r}"
    for field in ("text", "source", "explanation"):
        assert isinstance(q.get(field), str) and q[field].strip(), f"{where}: missing {field}"
    assert len(q["explanation"]) >= 15, f"{where}: explanation too short to teach"
    if "points" in q:
        assert isinstance(q["points"], int) and q["points"] >= 1, where
    if "tags" in q:
        assert isinstance(q["tags"], list) and all(isinstance(t, str) for t in q["tags"]), where

    if kind in ("single", "multiple"):
        options = q.get("options")
        assert isinstance(options, list) and len(options) >= 3, f"{where}: needs >= 3 options"
        texts = [o.get("text") for o in options]
        assert all(isinstance(t, str) and t.strip() for t in texts), where
        assert len(set(texts)) == len(texts), f"{where}: duplicate options"
        for option in options:
            assert set(option) <= {"text", "correct", "feedback"}, where
            assert option.get("correct", False) in (True, False), where
        assert not any(re.search(r"以上(都|全|均)", t) for t in texts), f"{where}: 'all of the above'"
        correct = sum(1 for o in options if o.get("correct"))
        if kind == "single":
            assert correct == 1, f"{where}: single needs exactly one correct option"
        else:
            assert correct >= 2, f"{where}: multiple needs >= 2 correct options"
            assert correct < len(options), f"{where}: multiple needs a wrong option"
    for field in ("options",):
        if kind not in ("single", "multiple"):
            assert field not in q, f"{where}: {field} on a {kind} question"
    if kind == "truefalse":
        assert q.get("answer") in (True, False), f"{where}: truefalse needs answer true/false"
    else:
        assert "answer" not in q, where
    if kind == "short":
        answers = q.get("answers")
        assert isinstance(answers, list) and answers, f"{where}: short needs answers"
        assert all(isinstance(a, (str, int)) and str(a).strip() for a in answers), where
    else:
        assert "answers" not in q, where
    if kind == "ordering":
        items = q.get("items")
        assert isinstance(items, list) and len(items) >= 3, f"{where}: ordering needs >= 3 items"
        assert all(isinstance(i, str) and i.strip() for i in items), where
        assert len(set(items)) == len(items), f"{where}: duplicate items"
    else:
        assert "items" not in q, where
    if kind == "matching":
        pairs = q.get("pairs")
        assert isinstance(pairs, list) and len(pairs) >= 3, f"{where}: matching needs >= 3 pairs"
        for pair in pairs:
            assert set(pair) == {"left", "right"}, where
            assert isinstance(pair["left"], str) and isinstance(pair["right"], str), where
        lefts = [p["left"] for p in pairs]
        rights = [p["right"] for p in pairs]
        assert len(set(lefts)) == len(lefts), f"{where}: duplicate left sides"
        assert len(set(rights)) == len(rights), f"{where}: rights must be distinct"
    else:
        assert "pairs" not in q, where
    if kind == "essay":
        assert isinstance(q.get("rubric"), str) and len(q["rubric"]) >= 15, f"{where}: essay needs rubric"
    else:
        assert "rubric" not in q, where


def test_question_fields():
    problems = []
    for cat, q in all_questions():
        try:
            _check_question(cat, q)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_counts():
    questions = [q for _, q in all_questions()]
    assert len(questions) >= MIN_QUESTIONS, len(questions)
    per_type = collections.Counter(q["type"] for q in questions)
    short = {t: per_type[t] for t, n in MIN_PER_TYPE.items() if per_type[t] < n}
    assert not short, f"too few questions of type {short}"


def test_sources_exist():
    slugs = document_slugs()
    missing = [f"{c}/{q['key']} -> {q['source']}" for c, q in all_questions()
               if q["source"] not in slugs]
    assert not missing, "\n".join(missing)


def test_every_document_is_tested():
    used = {q["source"] for _, q in all_questions()}
    untested = sorted(document_slugs() - used)
    assert not untested, f"documents without a question: {untested}"


def test_no_traditional_only_characters():
    for path in QUESTION_FILES + QUIZ_FILES:
        text = path.read_text(encoding="utf-8")
        found = sorted({ch for ch in text if ch in TRADITIONAL_ONLY})
        assert not found, f"{path.name}: Traditional characters {found}"


def test_question_texts_unique():
    counts = collections.Counter(q["text"] for _, q in all_questions())
    duplicates = [t for t, n in counts.items() if n > 1]
    assert not duplicates, duplicates


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_quiz(path):
    quiz = load(path)
    assert set(quiz) <= QUIZ_KEYS, set(quiz) - QUIZ_KEYS
    assert isinstance(quiz.get("title"), str) and quiz["title"].strip()
    assert isinstance(quiz.get("description"), str) and quiz["description"].strip()
    assert quiz.get("pass_mark") == 80
    assert quiz.get("attempts_allowed") == 3
    assert quiz.get("grading") == "highest"
    review = quiz.get("review")
    assert isinstance(review, dict) and set(review) == {"marks", "answers", "feedback", "sources"}
    assert set(review.values()) <= {"after_submit", "after_close", "never"}
    assert review["marks"] == "after_submit", "people learn whether they passed"
    if "time_limit_minutes" in quiz:
        assert isinstance(quiz["time_limit_minutes"], int) and quiz["time_limit_minutes"] > 0

    data = bank()
    ids = {f"{c}/{q['key']}" for c, q in all_questions()}
    fixed = quiz.get("questions") or []
    random_draws = quiz.get("random") or []
    assert fixed and random_draws, "quizzes mix fixed questions and random draws"
    assert len(set(fixed)) == len(fixed), "fixed question listed twice"
    missing = [qid for qid in fixed if qid not in ids]
    assert not missing, f"unknown fixed questions {missing}"

    categories = [draw["category"] for draw in random_draws]
    assert len(set(categories)) == len(categories), "category drawn twice"
    for draw in random_draws:
        assert set(draw) == {"category", "count"}
        category = draw["category"]
        assert category in data, f"unknown category {category}"
        fixed_here = sum(1 for qid in fixed if qid.split("/", 1)[0] == category)
        available = len(data[category]["questions"]) - fixed_here
        assert isinstance(draw["count"], int) and 1 <= draw["count"] <= available, \
            f"{category}: cannot draw {draw['count']} from {available}"


def test_required_quiz_settings():
    limits = {"day1-culture-etiquette": 15, "day2-workflow-roles": 20, "day3-product-issues": 20}
    for slug, minutes in limits.items():
        assert load(QUIZZES / f"{slug}.yaml").get("time_limit_minutes") == minutes
