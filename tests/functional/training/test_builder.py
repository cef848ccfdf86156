"""The trainer's builder and its bad input: values longer than their columns, reserved and
malformed names, reading and link targets that lead nowhere, paths with loops; a new
position's path made, reviewed and deleted on the web; deleting only after confirming."""

from datetime import date

import pytest
from sqlalchemy import func, select

from cs_handbook.models.training import Course, PathStep, TrainingPath
from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login

START = date(2026, 3, 2)


def _course_post(token, slug="fresh", title="新课程", **item):
    fields = {"key": "a", "kind": "reading", "title": "读一读", "target": "handbook/basics/what-is-service",
              "minutes": "5", "required": "true", "description": "", **item}
    data = [("csrf_token", token), ("slug", slug), ("title", title), ("description", ""),
            ("__start__", "items:sequence"), ("__start__", "item:mapping")]
    data += list(fields.items())
    data += [("__end__", "item:mapping"), ("__end__", "items:sequence")]
    return data


@pytest.fixture
def teacher(testapp, dbsession):
    ft.documents("handbook/basics/what-is-service")
    factories.AccountFactory(username="teacher", roles=["trainer"])
    login(testapp, "teacher")
    return testapp


def _courses(dbsession) -> int:
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return dbsession.scalar(select(func.count()).select_from(Course))


@pytest.mark.parametrize("change, message", [
    ({"key": "k" * 65}, "1 到 64 个小写字母"),  # the column holds 64: PostgreSQL would refuse it
    ({"key": "Ab"}, "1 到 64 个小写字母"),
    ({"title": "题" * 201}, "200"),
    ({"title": "读\x07一读"}, "控制字符"),
    ({"minutes": "²"}, "数字"),
    ({"minutes": "10001"}, "10000"),
    ({"kind": "video"}, ""),
    ({"target": "handbook/basics/no-such-page"}, "文档不存在：handbook/basics/no-such-page"),
    ({"target": ""}, "第 1 项：必须填写"),
    ({"kind": "link", "target": "javascript:alert(1)"}, "https://"),
    ({"kind": "link", "target": "example.com/x"}, "https://"),
    ({"kind": "practical", "target": "handbook/basics/what-is-service"}, "实操任务不指向任何内容"),
    ({"kind": "quiz", "target": "Day 1"}, "测验标识"),
])
def test_bad_items_are_refused_with_a_message_and_nothing_saved(teacher, dbsession, change, message):
    response = teacher.post("/training/courses/new", _course_post(csrf_token(teacher), **change), status=400)
    assert message in response.text
    assert _courses(dbsession) == 0


@pytest.mark.parametrize("slug, message", [
    ("new", "保留"), ("x" * 101, "小写字母"), ("Ａbc", "小写字母"), ("a/b", "小写字母"),
])
def test_bad_or_reserved_short_names_are_refused(teacher, dbsession, slug, message):
    response = teacher.post("/training/courses/new", _course_post(csrf_token(teacher), slug=slug), status=400)
    assert message in response.text
    assert _courses(dbsession) == 0


def test_good_targets_are_kept_and_items_are_orderable(teacher, dbsession):
    teacher.post("/training/courses/new", _course_post(csrf_token(teacher), kind="link",
                                                       target="https://intranet.example.org/demo"), status=303)
    dbsession.commit()
    course = dbsession.scalar(select(Course).where(Course.slug == "fresh"))
    assert course.draft["items"][0]["target"] == "https://intranet.example.org/demo"
    # Items can be moved (the move-up buttons; the browser journey clicks them).
    page = teacher.get("/training/courses/fresh")
    assert page.html.select("#course .deform-order-button")
    assert page.html.select_one("#course .deform-seq .deform-insert-before")["orderable"] == "1"


def test_a_path_with_a_loop_or_a_negative_due_day_is_refused(teacher, dbsession, clock):
    _path, (day1, shadow, day2) = ft.standard_programme()
    form = teacher.get("/training/paths/cs-agent").forms["path"]
    form.set("course", "day1", index=1)
    assert "重复了课程 day1" in form.submit("submit", status=400).text
    form = teacher.get("/training/paths/cs-agent").forms["path"]
    form.set("due_day", "-2", index=0)
    assert "不能为负数" in form.submit("submit", status=400).text
    dbsession.commit()
    assert [s.course_id for s in dbsession.scalars(select(PathStep).order_by(PathStep.position))] == [
        day1.id, shadow.id, day2.id]
    assert dbsession.scalar(select(TrainingPath.draft)) is None


def test_a_new_positions_path_is_made_reviewed_and_deleted_on_the_web(teacher, testapp, dbsession, clock):
    ft.standard_programme()
    factories.PositionFactory(code="cs-agent", name="客服")
    factories.PositionFactory(code="night-desk", name="夜班受理")
    factories.AccountFactory(username="rev", roles=["reviewer"])
    team = factories.TeamFactory()
    boss = factories.AccountFactory(username="boss", roles=["manager"])
    factories.make_team_manager(boss, team)
    night = factories.AccountFactory(username="night", team=team, start_date=START)
    dbsession.commit()
    page = teacher.get("/training/courses").click(href="/training/paths/new")
    form = page.forms["path"]
    # Only positions without a path are offered.
    assert [value for value, _selected, _text in form["position_code"].options] == ["night-desk"]
    # A course that does not exist is refused, nothing made.
    teacher.post("/training/paths/new", [
        ("csrf_token", csrf_token(teacher)), ("position_code", "night-desk"), ("title", "夜班受理入职"),
        ("__start__", "steps:sequence"), ("__start__", "step:mapping"), ("course", "nope"), ("due_day", "0"),
        ("half_day", ""), ("__end__", "step:mapping"), ("__end__", "steps:sequence")], status=400)
    dbsession.commit()
    assert dbsession.scalar(select(TrainingPath.id).where(TrainingPath.position_code == "night-desk")) is None
    teacher.post("/training/paths/new", [
        ("csrf_token", csrf_token(teacher)), ("position_code", "night-desk"), ("title", "夜班受理入职"),
        ("__start__", "steps:sequence"), ("__start__", "step:mapping"), ("course", "day1"), ("due_day", "0"),
        ("half_day", "am"), ("__end__", "step:mapping"), ("__end__", "steps:sequence")], status=303)
    teacher.post("/training/paths/new", [("csrf_token", csrf_token(teacher)), ("position_code", "new"),
                                         ("title", "x")], status=400)
    dbsession.commit()
    path = dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == "night-desk"))
    assert (path.state, path.review_state, path.steps) == ("draft", "draft", [])

    # A draft path is offered to nobody: the manager's enrol form lists published paths only.
    testapp.reset()
    login(testapp, "boss")
    form = testapp.get(f"/training/people/{night.id}/enrol").forms["enrol"]
    assert "night-desk" not in [value for value, _s, _t in form["path"].options]
    testapp.post(f"/training/people/{night.id}/enrol", {
        "csrf_token": csrf_token(testapp), "path": "night-desk", "start_date": "2026-03-02"}, status=400)
    dbsession.commit()
    assert ft.service(dbsession, clock).enrolment_for(night.id) is None

    testapp.reset()
    login(testapp, "teacher")
    testapp.post("/training/paths/night-desk/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    testapp.reset()
    login(testapp, "rev")
    testapp.get("/training/paths/night-desk/review").forms["review"].submit("approve", status=303)
    dbsession.commit()
    path = dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == "night-desk"))
    assert path.state == "published" and [s.course.slug for s in path.steps] == ["day1"]

    testapp.reset()
    login(testapp, "teacher")
    dbsession.commit()  # a fresh snapshot before writing: the app wrote since
    ft.service(dbsession, clock).enrol(night, path)
    dbsession.commit()
    confirm = testapp.get("/training/courses").click(href="/training/paths/night-desk/delete")
    response = confirm.forms["training-delete"].submit(status=400)
    assert "不能删除" in response.text
    dbsession.delete(ft.service(dbsession, clock).enrolment_for(night.id))
    dbsession.commit()
    testapp.get("/training/paths/night-desk/delete").forms["training-delete"].submit(status=303)
    dbsession.commit()
    assert dbsession.scalar(select(TrainingPath.id).where(TrainingPath.position_code == "night-desk")) is None


def test_deleting_asks_first(teacher, dbsession):
    ft.course("loose", ("a", "reading", "handbook/basics/what-is-service"))
    page = teacher.get("/training/courses")
    # The list links to a confirmation page; only its form deletes.
    assert not [f for f in page.forms.values() if f.action.endswith("/training/courses/loose/delete")]
    confirm = page.click(href="/training/courses/loose/delete")
    assert _courses(dbsession) == 1
    confirm.forms["training-delete"].submit(status=303)
    assert _courses(dbsession) == 0
