"""The training pages through the app: my onboarding, reading, sign-off, mentor and manager
views, finish-by dates, the certificate."""

from datetime import date
from urllib.parse import quote

from sqlalchemy import event, func, select

from cs_handbook.models.training import Certificate, ItemProgress, SignOff
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
    # "I have read it" is refused until the reading was opened through the site.
    item = testapp.get(f"/training/items/{day1.items[0].id}")
    assert item.html.select_one(".training-open-first") is not None
    response = item.forms["training-confirm"].submit(status=400)
    assert "请先打开阅读" in response.text
    for reading in day1.items[:2]:
        item = testapp.get(f"/training/items/{reading.id}")
        opened = item.click(href=f"/training/items/{reading.id}/open")
        assert opened.status_int == 303 and opened.location.endswith("/handbook/read/" + reading.target)
        item = testapp.get(f"/training/items/{reading.id}")
        assert item.html.select_one(".training-open-first") is None
        item.forms["training-confirm"].submit(status=303)
    assert 'value="50"' in testapp.get("/training/").text
    dbsession.commit()
    assert dbsession.scalar(select(ItemProgress.opened_at).where(ItemProgress.item_id == day1.items[0].id))
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
    form.submit("decision", index=0, status=400)  # sign off without one either
    form["note"] = "好\x07"
    assert "控制字符" in form.submit("decision", index=0, status=400).text
    form = testapp.get("/training/mentees").forms[f"signoff-{signoff_id}"]
    form["note"] = "很好"
    form.submit("decision", index=0, status=303)
    assert 'value="75"' in testapp.get(f"/training/people/{person.id}").text

    switch(testapp, "boss")
    assert "/training/team" in testapp.get("/training/").text
    team = testapp.get("/training/team")
    assert "75%" in team.text


def test_certificate_page_shows_the_teams_date(testapp, dbsession, clock):
    person, mentor, *_rest, (day1, shadow, day2) = _cast(dbsession)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    ft.read(svc, person, *day1.items[:2])
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True, "好")
    dbsession.commit()
    login(testapp, "nh")
    testapp.get("/training/certificate", status=404)
    # Passed at 17:00 UTC on 2 March: 01:00 on 3 March in Shanghai, the team's zone.
    clock.set(clock.now().replace(hour=17))
    svc.quiz_graded(person.id, "day2-workflow-roles", True)
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(Certificate)) == 1
    page = testapp.get("/training/certificate")
    assert person.display_name in page.text and "training.js" in page.text
    assert "颁发日期：2026-03-03" in page.text


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
    form["finish_by"] = "2026-03-01"
    response = form.submit("submit", status=400)
    assert "完成期限早于入职日期" in response.text
    form = testapp.get(f"/training/people/{stranger.id}/enrol").forms["enrol"]
    form["start_date"] = "2026-03-02"
    form["finish_by"] = "2026-03-20"
    form.submit("submit", status=303)
    dbsession.commit()
    assert ft.service(dbsession, clock).enrolment_for(stranger.id).finish_by == date(2026, 3, 20)
    # Shown on the person's page and in the team view.
    assert "2026-03-20" in testapp.get(f"/training/people/{stranger.id}").html.select_one(
        ".training-finish-by").text
    assert testapp.get("/training/team").html.select_one(
        f"tr[data-person={stranger.username}] .training-finish-by").text == "2026-03-20"
    # Another team's people are not this manager's.
    outsider = factories.AccountFactory(team=factories.TeamFactory())
    testapp.get(f"/training/people/{outsider.id}/mentor", status=403)


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


def test_odd_ids_in_addresses_are_not_found(testapp, dbsession, clock):
    person, _mentor, _manager, _stranger, (day1, _shadow, _day2) = _cast(dbsession)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "boss")
    token = csrf_token(testapp)
    for url in ("/training/people/99999999999999999999", "/training/people/%D9%A3", "/training/people/0",
                "/training/items/99999999999999999999", "/training/items/%C2%B2"):
        testapp.get(url, status=404)
    testapp.post("/training/signoffs/99999999999999999999", {"csrf_token": token, "decision": "approve",
                                                              "note": "x"}, status=404)
    switch(testapp, "nh")
    # Another script's digits are not this item's id.
    arabic = quote("".join(chr(0x0660 + int(d)) for d in str(day1.items[0].id)))
    testapp.get(f"/training/items/{arabic}", status=404)
    testapp.get(f"/training/items/{day1.items[0].id}", status=200)


def test_the_path_comes_in_one_statement(testapp, dbsession, clock, app):
    """My onboarding and the home page read the enrolment, its path, steps, courses and items at once
    (they are the most visited signed-in pages): still every item, in path order."""
    person, _mentor, _manager, _stranger, courses = _cast(dbsession)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = app.registry["dbengine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = testapp.get("/training/")
        home = testapp.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sum("training_path_steps" in s for s in seen) == 2  # one per page
    assert sum("training_course_items" in s for s in seen) == 2
    keys = [li["data-key"] for li in page.html.select("ol.training-items")[-1].select("li")]
    assert keys == [item.key for course in courses for item in course.items] and len(keys) == 5
    assert "training-items" in home.text
