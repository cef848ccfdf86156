"""Pure rules of the training area: path validation, the progress summary, half-day deadlines."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_handbook.services.training import Summary, TrainingError, TrainingService, check_steps


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
    assert TrainingService._deadline(due, "am") == datetime(2026, 3, 2, 12)
    assert TrainingService._deadline(due, "pm") == datetime(2026, 3, 3, 0)
    assert TrainingService._deadline(due, "") == datetime(2026, 3, 3, 0)
