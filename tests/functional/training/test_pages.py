"""The training pages through the app: my onboarding, reading, sign-off, mentor and manager
views, the certificate, the trainer's builder and its bad input."""

from datetime import date

from sqlalchemy import func, select

from cs_handbook.models.training import Certificate, Course, PathStep, SignOff
from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login

START = date(2026, 3, 2)


def switch(testapp, username):
    """Sign in as someone else (a fresh cookie jar)."""
    testapp.reset()
    login(testapp, username)


def _cast(dbsession):
    _path, courses = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(START, team=team, username="nh")
    mentor = factories.AccountFactory(username="mentor")
    manager = factories.AccountFactory(username="boss", roles=["manager"])
    stranger = factories.AccountFactory(username="stranger", team=team)
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    return person, mentor, manager, stranger, courses


def test_new_hire_reads_requests_and_mentor_signs_off(testapp, dbsession, clock):
    person, mentor, manager, stranger, (day1, shadow, _day2) = _cast(dbsession)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    page = testapp.get("/training/")
    assert 'value="0"' in page.text and "逾期" in page.text  # morning items overdue at 17:00
    assert "day2-workflow-roles" not in page.text and "尚不可用" in page.text
    home = testapp.get("/")
    assert "day1:culture" in home.text
    item = testapp.get(f"/training/items/{day1.items[0].id}")
    item.forms["training-confirm"].submit(status=303)
    item = testapp.get(f"/training/items/{day1.items[1].id}")
    item.forms["training-confirm"].submit(status=303)
    assert 'value="50"' in testapp.get("/training/").text
    # A reading is not signed off; a practical task is not "read".
    testapp.post(f"/training/items/{day1.items[0].id}/request-signoff", {"csrf_token": csrf_token(testapp)},
                 status=400)
    testapp.post(f"/training/items/{shadow.items[0].id}/confirm", {"csrf_token": csrf_token(testapp)}, status=400)
    task = testapp.get(f"/training/items/{shadow.items[0].id}")
    form = task.forms["training-request"]
    form["note"] = "记下了三个场景"
    form.submit(status=303)
    assert "等待签字" in testapp.get("/training/").text
    # Someone else's item page is not found.
    testapp.get("/training/items/999999", status=404)

    switch(testapp, "stranger")
    testapp.get("/training/mentees", status=403)
    dbsession.commit()  # end the test session's snapshot: the app wrote since
    signoff_id = dbsession.scalar(select(func.max(SignOff.id)))
    testapp.post(f"/training/signoffs/{signoff_id}", {"csrf_token": csrf_token(testapp), "decision": "approve"},
                 status=403)
    testapp.get(f"/training/people/{person.id}", status=403)

    switch(testapp, "mentor")
    mentees = testapp.get("/training/mentees")
    assert "记下了三个场景" in mentees.text
    form = mentees.forms[f"signoff-{signoff_id}"]
    form.submit("decision", index=1, status=400)  # send back without a note
    form = testapp.get("/training/mentees").forms[f"signoff-{signoff_id}"]
    form["note"] = "很好"
    form.submit("decision", index=0, status=303)
    assert 'value="75"' in testapp.get(f"/training/people/{person.id}").text

    switch(testapp, "boss")
    assert "/training/team" in testapp.get("/training/").text
    team = testapp.get("/training/team")
    assert "75%" in team.text


def test_certificate_page(testapp, dbsession, clock):
    person, mentor, *_rest, (day1, shadow, day2) = _cast(dbsession)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    for item in day1.items[:2]:
        svc.confirm_read(person, item.id)
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True)
    dbsession.commit()
    login(testapp, "nh")
    testapp.get("/training/certificate", status=404)
    svc.quiz_graded(person.id, "day2-workflow-roles", True)
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(Certificate)) == 1
    page = testapp.get("/training/certificate")
    assert person.display_name in page.text and "training.js" in page.text


def test_manager_assigns_mentor_and_enrols(testapp, dbsession, clock):
    person, mentor, manager, stranger, _courses = _cast(dbsession)
    switch(testapp, "boss")
    page = testapp.get(f"/training/people/{stranger.id}/mentor")
    form = page.forms["mentor"]
    form["mentor"] = str(mentor.id)
    form.submit("submit", status=303)
    dbsession.commit()  # a fresh snapshot after the app wrote
    assert stranger.mentor_id == mentor.id
    page = testapp.get(f"/training/people/{stranger.id}/enrol")
    form = page.forms["enrol"]
    form["start_date"] = "2026-03-02"
    form["due_date"] = "2026-03-01"
    response = form.submit("submit", status=400)
    assert "截止日期早于入职日期" in response.text
    form = testapp.get(f"/training/people/{stranger.id}/enrol").forms["enrol"]
    form["start_date"] = "2026-03-02"
    form.submit("submit", status=303)
    dbsession.commit()
    assert ft.service(dbsession, clock).enrolment_for(stranger.id) is not None
    # Another team's people are not this manager's.
    outsider = factories.AccountFactory(team=factories.TeamFactory())
    testapp.get(f"/training/people/{outsider.id}/mentor", status=403)


def test_trainer_builds_course_and_path_with_bad_input(testapp, dbsession, clock):
    path, (day1, shadow, day2) = ft.standard_programme()
    factories.AccountFactory(username="teacher", roles=["trainer"])
    factories.AccountFactory(username="rev", roles=["reviewer", "trainer"])
    login(testapp, "teacher")
    assert "day1" in testapp.get("/training/courses").text
    form = testapp.get("/training/courses/day1").forms["course"]
    form.set("title", "第一天（修订）", index=0)
    form.submit("submit", status=303)
    dbsession.commit()  # a fresh snapshot after the app wrote
    course = dbsession.scalar(select(Course).where(Course.slug == "day1"))
    assert course.title == "第一天（修订）" and course.state == "draft"
    token = csrf_token(testapp)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": token, "action": "submit"}, status=303)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": token, "action": "approve"}, status=403)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": token, "action": "bogus"}, status=400)
    # Deleting a course that people are enrolled in is refused.
    dbsession.commit()  # a fresh snapshot before writing: the app wrote since
    ft.service(dbsession, clock).enrol(ft.new_hire(START))
    dbsession.commit()
    response = testapp.post("/training/courses/day1/delete", {"csrf_token": token}, status=400)
    assert "不能删除" in response.text
    # A path with a loop or a negative due day.
    page = testapp.get("/training/paths/cs-agent")
    form = page.forms["path"]
    form.set("course", "day1", index=1)
    response = form.submit("submit", status=400)
    assert "循环" in response.text
    form = testapp.get("/training/paths/cs-agent").forms["path"]
    form.set("due_day", "-2", index=0)
    assert "不能为负数" in form.submit("submit", status=400).text
    dbsession.commit()  # a fresh snapshot after the app wrote
    assert [s.course_id for s in dbsession.scalars(select(PathStep).order_by(PathStep.position))] == [
        day1.id, shadow.id, day2.id]

    switch(testapp, "rev")
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "approve"},
                 status=303)
    dbsession.commit()  # a fresh snapshot after the app wrote
    assert dbsession.scalar(select(Course.state).where(Course.slug == "day1")) == "published"


def test_quiz_item_becomes_available_when_the_quiz_exists(testapp, dbsession, clock):
    from cs_handbook.models.quizzes import Quiz

    person, *_rest, (_day1, _shadow, day2) = _cast(dbsession)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    quiz_item = f"/training/items/{day2.items[0].id}"
    assert "training-quiz" not in testapp.get(quiz_item).text
    dbsession.add(Quiz(slug="day2-workflow-roles", title="第二天测验"))
    dbsession.commit()
    form = testapp.get(quiz_item).forms["training-quiz"]
    assert form.action.endswith("/quizzes/q/day2-workflow-roles/start")
