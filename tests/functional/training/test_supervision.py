"""Mentors and managers: the team view (who is not enrolled and why, enrolment by hand,
veterans included), certificates of others, the notices around a sign-off, and the
bad input of enrolment answered in the reader's language with nothing changed."""

from datetime import date, timedelta

from sqlalchemy import func, select

from cs_handbook.models.notices import Notice
from cs_handbook.models.training import Course, Enrolment, SignOff
from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login

START = date(2026, 3, 2)  # the clock fixture's day


def switch(testapp, username):
    testapp.reset()
    login(testapp, username)


def _team(dbsession, manager_language="zh_CN"):
    path, courses = ft.standard_programme()
    team = factories.TeamFactory()
    manager = factories.AccountFactory(username="boss", roles=["manager"], language=manager_language)
    factories.make_team_manager(manager, team)
    return team, path, courses


def _enrolments(dbsession) -> int:
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return dbsession.scalar(select(func.count()).select_from(Enrolment))


def _not_enrolled(page) -> dict[str, str]:
    return {row["data-person"]: row.find(class_="training-reason").text.strip()
            for row in page.html.select("table.training-not-enrolled tr[data-person]")}


def test_team_view_separates_people_not_enrolled_with_a_reason(testapp, dbsession, clock):
    team, _path, _courses = _team(dbsession)
    enrolled = ft.new_hire(START, team=team, username="nh")
    ft.service(dbsession, clock).enrol(enrolled)
    factories.AccountFactory(username="nopos", team=team, start_date=START)
    ft.new_hire(None, code="cs-lead", team=team, username="nodate")
    ft.new_hire(START, code="no-path", team=team, username="nopath")
    ft.new_hire(START - timedelta(days=400), code="cs-agent-2", team=team, username="veteran")
    ft.path("cs-agent-2", (_courses[0], 0))
    factories.AccountFactory(username="gone", team=team, position=factories.PositionFactory(), start_date=START,
                             is_active=False)
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/training/team")
    enrolled_names = [a.text for a in page.html.select("table.training-people:not(.training-not-enrolled) td a")
                      if "/training/people/" in a.get("href", "") and not a["href"].endswith("/mentor")]
    assert enrolled_names == [enrolled.display_name]
    reasons = _not_enrolled(page)
    assert set(reasons) == {"nopos", "nodate", "nopath", "veteran"}  # disabled accounts are not listed
    assert reasons["nopos"] == "未设置岗位。"
    assert reasons["nodate"] == "未设置入职日期。"
    assert "no-path" in reasons["nopath"]
    assert "超过 90 天" in reasons["veteran"] and "不会自动报名" in reasons["veteran"]
    assert page.html.select_one("tr[data-person=veteran] a")["href"].endswith("/enrol")


def test_manager_enrols_a_veteran_by_hand(testapp, dbsession, clock):
    team, _path, _courses = _team(dbsession)
    veteran = ft.new_hire(START - timedelta(days=400), team=team, username="veteran")
    login(testapp, "boss")
    page = testapp.get(f"/training/people/{veteran.id}/enrol")
    assert "不会自动报名" in page.text
    form = page.forms["enrol"]
    # Their path starts today, not on their start date 400 days ago.
    assert form["start_date"].value == START.isoformat() and form["path"].value == "cs-agent"
    form.submit("submit", status=303)
    dbsession.commit()
    enrolment = ft.service(dbsession, clock).enrolment_for(veteran.id)
    assert enrolment.start_date == START
    team_page = testapp.get("/training/team")
    assert "veteran" not in _not_enrolled(team_page)
    assert team_page.html.select_one("span.training-percent[data-person=veteran]").text == "0%"


def test_enrolling_a_disabled_account_is_refused(testapp, dbsession, clock):
    team, _path, _courses = _team(dbsession)
    disabled = ft.new_hire(START, team=team, username="off", display_name="停用者", is_active=False)
    login(testapp, "boss")
    form = testapp.get(f"/training/people/{disabled.id}/enrol").forms["enrol"]
    response = form.submit("submit", status=400)
    assert "停用者 的账号已停用，不能报名培训。" in response.text
    assert _enrolments(dbsession) == 0


def test_bad_enrolment_answers_in_the_readers_language(testapp, dbsession, clock):
    team, _path, _courses = _team(dbsession, manager_language="en")
    person = ft.new_hire(START, team=team, username="nh")
    login(testapp, "boss")
    form = testapp.get(f"/training/people/{person.id}/enrol").forms["enrol"]
    form["start_date"] = "2026-03-02"
    form["finish_by"] = "2026-03-01"
    assert "The finish-by date is before the start date." in form.submit("submit", status=400).text
    assert _enrolments(dbsession) == 0


def test_deleting_a_course_in_use_answers_in_english_and_keeps_it(testapp, dbsession, clock):
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    ft.service(dbsession, clock).enrol(ft.new_hire(START))
    factories.AccountFactory(username="teacher", roles=["trainer"], language="en")
    dbsession.commit()
    login(testapp, "teacher")
    response = testapp.post("/training/courses/day1/delete", {"csrf_token": csrf_token(testapp)}, status=400)
    assert "is used by a path; remove it from the path first" in response.text
    dbsession.commit()
    assert dbsession.scalar(select(Course.id).where(Course.slug == "day1")) == day1.id


def test_certificate_is_seen_by_the_person_their_mentor_managers_and_admins(testapp, dbsession, clock):
    team, _path, (day1, shadow, _day2) = _team(dbsession)
    person = ft.new_hire(START, team=team, username="nh", display_name="结业者")
    mentor = factories.AccountFactory(username="mentor")
    factories.make_mentor(mentor, person)
    factories.AccountFactory(username="admin", roles=["admin"])
    factories.AccountFactory(username="teammate", team=team)
    factories.AccountFactory(username="othermanager", roles=["manager"])
    factories.make_team_manager(factories.AccountFactory(username="elsewhere"), factories.TeamFactory())
    no_cert = ft.new_hire(START, team=team, code="cs-other")
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    ft.read(svc, person, *day1.items[:2])
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True, "好")
    svc.quiz_graded(person.id, "day2-workflow-roles", True)
    dbsession.commit()
    url = f"/training/people/{person.id}/certificate"
    for who in ("nh", "mentor", "boss", "admin"):
        switch(testapp, who)
        assert "结业者" in testapp.get(url).text, who
    switch(testapp, "boss")
    # The person's page links to it.
    assert testapp.get(f"/training/people/{person.id}").html.select_one("#training-certificate")["href"].endswith(url)
    testapp.get(f"/training/people/{no_cert.id}/certificate", status=404)
    testapp.get("/training/people/999999/certificate", status=404)
    for who in ("teammate", "othermanager", "elsewhere"):
        switch(testapp, who)
        testapp.get(url, status=403)


def _notices(dbsession, account, kind="training.signoff"):
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return [n.message for n in dbsession.scalars(select(Notice).where(
        Notice.account_id == account.id, Notice.kind == kind).order_by(Notice.id))]


def test_a_decision_clears_the_mentors_notice_and_tells_the_new_hire(testapp, dbsession, clock):
    team, _path, (_day1, shadow, _day2) = _team(dbsession)
    person = ft.new_hire(START, team=team, username="nh")
    mentor = factories.AccountFactory(username="mentor")
    factories.make_mentor(mentor, person)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    task = f"/training/items/{shadow.items[0].id}"
    login(testapp, "nh")
    testapp.get(task).forms["training-request"].submit(status=303)
    assert _notices(dbsession, mentor) == ["${name} asks you to sign off ${task}."]

    switch(testapp, "mentor")
    assert "1" in testapp.get("/").html.select_one("a[href$='/account/notices']").text
    signoff_id = dbsession.scalar(select(func.max(SignOff.id)))
    form = testapp.get("/training/mentees").forms[f"signoff-{signoff_id}"]
    form["note"] = "再跟一次"
    form.submit("decision", index=1, status=303)
    assert _notices(dbsession, mentor) == []
    assert testapp.get("/").html.select_one("a[href$='/account/notices']") is None
    assert _notices(dbsession, person) == ["${task} was sent back."]

    switch(testapp, "nh")
    testapp.get(task).forms["training-request"].submit(status=303)
    assert len(_notices(dbsession, mentor)) == 1
    # The team's manager decides this time: the mentor's notice goes all the same.
    switch(testapp, "boss")
    signoff_id = dbsession.scalar(select(func.max(SignOff.id)))
    testapp.post(f"/training/signoffs/{signoff_id}", {"csrf_token": csrf_token(testapp), "decision": "approve",
                                                      "note": "看过记录"}, status=303)
    assert _notices(dbsession, mentor) == []
    assert _notices(dbsession, person) == ["${task} was sent back.", "${task} was signed off."]


def test_managers_find_the_team_view_in_the_navigation(testapp, dbsession):
    _team(dbsession)
    factories.AccountFactory(username="plain")
    login(testapp, "boss")
    nav = testapp.get("/").html.select_one("nav.site-nav")
    assert any(a["href"].endswith("/training/team") and a.text.strip() == "团队入职培训" for a in nav.find_all("a"))
    switch(testapp, "plain")
    assert "/training/team" not in str(testapp.get("/").html.select_one("nav.site-nav"))


def test_without_a_mentor_the_request_goes_to_the_team_managers(testapp, dbsession, clock):
    team, _path, (_day1, shadow, _day2) = _team(dbsession)
    other_boss = factories.AccountFactory(username="boss2")
    factories.make_team_manager(other_boss, team)
    person = ft.new_hire(START, team=team, username="nh", display_name="无导师")
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    response = testapp.get(f"/training/items/{shadow.items[0].id}").forms["training-request"].submit(status=303)
    assert "团队经理" in response.follow().text
    boss = dbsession.scalar(select(factories.Account).where(factories.Account.username == "boss"))
    for manager in (boss, other_boss):
        dbsession.commit()
        notice = dbsession.scalar(select(Notice).where(Notice.account_id == manager.id))
        assert notice.message == "${name} asks you to sign off ${task}." and notice.link == "/training/team"

    # The team page lists what waits, and a manager signs off from there.
    switch(testapp, "boss")
    page = testapp.get("/training/team")
    signoff_id = dbsession.scalar(select(func.max(SignOff.id)))
    form = page.forms[f"signoff-{signoff_id}"]
    assert "无导师" in page.html.select_one(".training-team-signoffs").text
    form["note"] = "看过聊天记录"
    assert form.submit("decision", index=0, status=303).location.endswith("/training/team")
    assert _notices(dbsession, boss) == [] and _notices(dbsession, other_boss) == []
    assert f"signoff-{signoff_id}" not in testapp.get("/training/team").forms


def test_a_request_nobody_can_sign_off_is_refused(testapp, dbsession, clock):
    _path, (_day1, shadow, _day2) = ft.standard_programme()
    person = ft.new_hire(START, username="alone")  # a team without managers, no mentor
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "alone")
    response = testapp.get(f"/training/items/{shadow.items[0].id}").forms["training-request"].submit(status=400)
    assert "没有导师" in response.text
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(SignOff)) == 0


def test_nobody_signs_off_their_own_task_or_sees_forms_for_it(testapp, dbsession, clock):
    team, _path, (_day1, shadow, _day2) = _team(dbsession)
    boss = dbsession.scalar(select(factories.Account).where(factories.Account.username == "boss"))
    boss.position = factories.PositionFactory(code="cs-agent-boss")
    boss.team = team
    boss.start_date = START
    ft.path("cs-agent-boss", (shadow, 0))
    svc = ft.service(dbsession, clock)
    svc.enrol(boss)
    factories.make_team_manager(factories.AccountFactory(username="peer", roles=["manager"]), team)
    signoff = svc.request_signoff(boss, shadow.items[0].id, "我自己做完了")
    dbsession.commit()
    login(testapp, "boss")
    for url in (f"/training/people/{boss.id}", "/training/team"):
        page = testapp.get(url)
        assert f"signoff-{signoff.id}" not in page.forms, url
    testapp.post(f"/training/signoffs/{signoff.id}", {"csrf_token": csrf_token(testapp), "decision": "approve",
                                                      "note": "好"}, status=403)
    switch(testapp, "peer")
    assert f"signoff-{signoff.id}" in testapp.get("/training/team").forms


def test_bad_decisions_and_notes_get_a_message(testapp, dbsession, clock):
    team, _path, (_day1, shadow, _day2) = _team(dbsession)
    person = ft.new_hire(START, team=team, username="nh")
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    task = f"/training/items/{shadow.items[0].id}/request-signoff"
    for note in ("好\x00", "x" * 2001):
        testapp.post(task, {"csrf_token": csrf_token(testapp), "note": note}, status=400)
    assert "控制字符" in testapp.post(task, {"csrf_token": csrf_token(testapp), "note": "\x07"}, status=400).text
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(SignOff)) == 0
    testapp.post(task, {"csrf_token": csrf_token(testapp), "note": "做完了"}, status=303)
    dbsession.commit()  # a fresh snapshot: the app wrote since
    signoff_id = dbsession.scalar(select(func.max(SignOff.id)))
    switch(testapp, "boss")
    url = f"/training/signoffs/{signoff_id}"
    token = csrf_token(testapp)
    assert "请选择签字确认或退回" in testapp.post(url, {"csrf_token": token, "decision": "maybe", "note": "x"},
                                                status=400).text
    assert "请在处理时填写备注" in testapp.post(url, {"csrf_token": token, "decision": "approve"}, status=400).text
    assert "控制字符" in testapp.post(url, {"csrf_token": token, "decision": "approve", "note": "\x1b[31m"},
                                     status=400).text
    testapp.post(url, {"csrf_token": token, "decision": "approve", "note": "x" * 2001}, status=400)
    dbsession.commit()
    assert dbsession.get(SignOff, signoff_id).decided_at is None
    # Back only to a training page, never elsewhere.
    response = testapp.post(url, {"csrf_token": token, "decision": "approve", "note": "好",
                                  "came_from": "//evil.example/x"}, status=303)
    assert response.location == "http://localhost/training/mentees"
