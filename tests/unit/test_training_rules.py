"""Pure rules of the training area: path validation, the progress summary, deadlines (half days
and finish-by dates), the structure checks shared by the builder and the file loader."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_handbook.services.training import Summary, TrainingError, check_steps, deadline
from cs_handbook.services.training_checks import check_target, course_issues, path_issues


def test_check_steps_accepts_a_normal_path():
    check_steps([{"course": "a", "due_day": 0, "half_day": "am"}, {"course": "b", "due_day": 0, "half_day": "pm"},
                 {"course": "c", "due_day": 30}])


@pytest.mark.parametrize("steps, message", [
    ([{"course": "a", "due_day": 0}, {"course": "a", "due_day": 2}], "loop"),
    ([{"course": "a", "due_day": -1}], "negative"),
    ([{"course": "a", "due_day": 1, "half_day": "evening"}], "Half day"),
])
def test_check_steps_refuses_bad_paths(steps, message):
    with pytest.raises(TrainingError, match=message):
        check_steps(steps)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_percent_is_bounded_and_whole(done, extra):
    summary = Summary(done=done, total=done + extra)
    assert 0 <= summary.percent <= 100
    assert summary.complete == (extra == 0 and done > 0)


def test_half_day_deadlines():
    due = date(2026, 3, 2)
    assert deadline(due, "am") == datetime(2026, 3, 2, 12)
    assert deadline(due, "pm") == datetime(2026, 3, 3, 0)
    assert deadline(due, "") == datetime(2026, 3, 3, 0)


def test_a_finish_by_date_brings_later_deadlines_forward_only():
    due = date(2026, 3, 10)
    assert deadline(due, "", finish_by=date(2026, 3, 5)) == datetime(2026, 3, 6, 0)
    assert deadline(date(2026, 3, 2), "am", finish_by=date(2026, 3, 5)) == datetime(2026, 3, 2, 12)


ITEM = {"key": "a", "kind": "reading", "title": "读", "target": "handbook/x", "minutes": 5, "required": True}


def test_a_good_course_has_no_issues_and_documents_are_checked_when_known():
    assert course_issues({"title": "t", "items": [ITEM]}) == []
    issues = course_issues({"title": "t", "items": [ITEM]}, known_documents=set())
    assert [(i.field, i.mapping) for i in issues] == [("items[1].target", {"target": "handbook/x"})]


@given(st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.text(max_size=5),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
                 st.integers(min_value=-5, max_value=-1), st.integers(min_value=10001, max_value=10**12)))
def test_minutes_must_be_a_whole_number_in_range(value):
    issues = course_issues({"title": "t", "items": [{**ITEM, "minutes": value}]})
    assert [i.field for i in issues] == ["items[1].minutes"]


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers(), max_size=3))
def test_unknown_fields_are_named_not_dropped(extra):
    extra = {k: v for k, v in extra.items() if k not in ITEM}
    issues = course_issues({"title": "t", "items": [{**ITEM, **extra}]})
    assert sorted(i.field for i in issues) == sorted(f"items[1].{k}" for k in extra)


@pytest.mark.parametrize("kind, target, ok", [
    ("link", "https://intranet.example.org/a", True), ("link", "http://x.y/z", True),
    ("link", "javascript:alert(1)", False), ("link", "ftp://x.y/", False), ("link", "https://", False),
    ("link", "https://a b/", False), ("reading", "handbook/a#part", True), ("reading", "../etc", False),
    ("quiz", "day1-check", True), ("quiz", "Day 1", False), ("practical", "", True), ("practical", "x", False),
])
def test_targets_by_kind(kind, target, ok):
    assert (check_target(kind, target) is None) == ok


def test_path_issues_name_the_step():
    courses = {"a": False, "old": True}
    issues = path_issues({"title": "t", "steps": [{"course": "a", "due_day": 0}, {"course": "a", "due_day": True},
                                                  {"course": "old", "due_day": 1, "half_day": "noon"},
                                                  {"course": ["a"], "due_day": 1}]}, courses)
    assert [i.field for i in issues] == ["steps[2].course", "steps[2].due_day", "steps[3].course",
                                         "steps[3].half_day", "steps[4].course"]
