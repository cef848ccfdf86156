"""Course and path edits are working copies: learners keep the published version until a
reviewer approves the change (and sees what it changes). Items dropped from a course are
retired with their progress kept; a course with history is archived, never deleted."""

from datetime import date

from sqlalchemy import func, select

from cs_handbook.models.notices import Notice
from cs_handbook.models.training import Course, CourseItem, ItemProgress, SignOff
from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login

START = date(2026, 3, 2)


def switch(testapp, username):
    testapp.reset()
    login(testapp, username)


def _fresh(dbsession):
    dbsession.commit()  # a fresh snapshot: the app wrote since


def _cast(dbsession, clock):
    path, courses = ft.standard_programme()
    ft.documents()
    person = ft.new_hire(START, username="nh")
    factories.AccountFactory(username="teacher", roles=["trainer"])
    factories.AccountFactory(username="rev", roles=["reviewer"])  # reviews, does not author
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    return person, path, courses


def test_a_course_edit_waits_for_review_then_goes_live(testapp, dbsession, clock):
    person, _path, (day1, _shadow, _day2) = _cast(dbsession, clock)
    login(testapp, "teacher")
    form = testapp.get("/training/courses/day1").forms["course"]
    form.set("title", "企业文化（修订）", index=1)  # the first item's title
    response = form.submit("submit", status=303).follow()
    assert "审核" in response.text and "工作副本：草稿" in response.text
    switch(testapp, "nh")
    assert "企业文化（修订）" not in testapp.get("/training/").text
    assert "day1:culture" in testapp.get(f"/training/items/{day1.items[0].id}").text

    switch(testapp, "teacher")
    # The edit page opens on the working copy.
    assert testapp.get("/training/courses/day1").forms["course"].get("title", index=1).value == "企业文化（修订）"
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    # A trainer cannot publish through the author's workflow.
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "approve"},
                 status=400)
    testapp.get("/training/courses/day1/review", status=403)

    switch(testapp, "rev")
    home = testapp.get("/")
    assert "/training/courses/day1/review" in home.text  # the reviewer's home panel lists it
    queue = testapp.get("/training/review")
    review = queue.click(href="/training/courses/day1/review")
    cells = [td.text for td in review.html.select("table.training-changes td")]
    assert any("day1:culture" in c for c in cells) and any("企业文化（修订）" in c for c in cells)
    # In words, not the files' codes.
    assert any("· 阅读 · 10 分钟 · 必修" in c for c in cells) and not any("reading" in c for c in cells)
    assert review.html.select("table.training-changes del") and review.html.select("table.training-changes ins")
    # Sending back needs a comment; the author hears of it.
    response = review.forms["review"].submit("send_back", status=400)
    assert "请写明需要修改的地方" in response.text
    form = testapp.get("/training/courses/day1/review").forms["review"]
    form["comment"] = "标题再短一些"
    form.submit("send_back", status=303)
    _fresh(dbsession)
    teacher = dbsession.scalar(select(factories.Account).where(factories.Account.username == "teacher"))
    notice = dbsession.scalar(select(Notice).where(Notice.account_id == teacher.id))
    assert notice.mapping["comment"] == "标题再短一些" and notice.link == "/training/courses/day1"
    assert dbsession.scalar(select(Course.review_state).where(Course.slug == "day1")) == "draft"

    switch(testapp, "teacher")
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    switch(testapp, "rev")
    testapp.get("/training/courses/day1/review").forms["review"].submit("approve", status=303)
    switch(testapp, "nh")
    assert "企业文化（修订）" in testapp.get("/training/").text
    _fresh(dbsession)
    course = dbsession.scalar(select(Course).where(Course.slug == "day1"))
    assert (course.state, course.review_state, course.draft) == ("published", None, None)


def test_a_path_edit_waits_for_review(testapp, dbsession, clock):
    _cast(dbsession, clock)
    login(testapp, "teacher")
    form = testapp.get("/training/paths/cs-agent").forms["path"]
    form.set("due_day", "9", index=0)
    form.submit("submit", status=303)
    switch(testapp, "nh")
    page = testapp.get("/training/")
    assert "2026-03-11" not in page.text and "截止 2026-03-02" in page.text
    switch(testapp, "teacher")
    testapp.post("/training/paths/cs-agent/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    switch(testapp, "rev")
    review = testapp.get("/training/paths/cs-agent/review")
    assert any("第 9 天截止 上午" in td.text for td in review.html.select("table.training-changes td"))
    review.forms["review"].submit("approve", status=303)
    switch(testapp, "nh")
    assert "截止 2026-03-11" in testapp.get("/training/").text


def test_discarding_a_working_copy_keeps_the_published_course(testapp, dbsession, clock):
    _cast(dbsession, clock)
    login(testapp, "teacher")
    form = testapp.get("/training/courses/day1").forms["course"]
    form.set("title", "改坏了", index=0)
    form.submit("submit", status=303)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "discard"},
                 status=303)
    _fresh(dbsession)
    course = dbsession.scalar(select(Course).where(Course.slug == "day1"))
    assert course.draft is None and course.review_state is None
    assert course.items[0].title == "day1:culture" and course.title != "改坏了"
    assert testapp.get("/training/courses/day1").forms["course"].get("title", index=0).value == course.title


def test_removing_or_renaming_an_item_keeps_progress_and_sign_offs(testapp, dbsession, clock):
    person, _path, (day1, shadow, _day2) = _cast(dbsession, clock)
    mentor = factories.AccountFactory(username="mentor")
    factories.make_mentor(mentor, person)
    svc = ft.service(dbsession, clock)
    ft.read(svc, person, day1.items[0])
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True, "好")
    newcomer = ft.new_hire(START, username="nh2")
    svc.enrol(newcomer)
    dbsession.commit()
    culture_id, shadowing_id = day1.items[0].id, shadow.items[0].id

    login(testapp, "teacher")
    form = testapp.get("/training/courses/day1").forms["course"]
    form.set("key", "culture2", index=0)  # a new key is a new item; the old one is retired
    form.submit("submit", status=303)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    switch(testapp, "rev")
    testapp.get("/training/courses/day1/review").forms["review"].submit("approve", status=303)

    _fresh(dbsession)
    assert dbsession.scalar(select(func.count()).select_from(ItemProgress).where(
        ItemProgress.account_id == person.id, ItemProgress.item_id == culture_id)) == 1
    retired = dbsession.get(CourseItem, culture_id)
    assert retired.retired_at is not None
    rows = {r.item.key: r for r in ft.service(dbsession, clock).summary(person).rows}
    assert rows["culture"].done and rows["culture"].retired and not rows["culture2"].done
    # Someone who never did it does not see it at all.
    assert "culture" not in {r.item.key for r in ft.service(dbsession, clock).summary(newcomer).rows}
    switch(testapp, "nh")
    page = testapp.get("/training/")
    assert page.html.select_one("li[data-key=culture] .tag-done") is not None and "已停用" in page.text
    assert dbsession.scalar(select(func.count()).select_from(SignOff).where(SignOff.item_id == shadowing_id)) == 1

    # The key comes back: so does the same item, with its history.
    switch(testapp, "teacher")
    form = testapp.get("/training/courses/day1").forms["course"]
    form.set("key", "culture", index=0)
    form.submit("submit", status=303)
    testapp.post("/training/courses/day1/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=303)
    switch(testapp, "rev")
    testapp.get("/training/courses/day1/review").forms["review"].submit("approve", status=303)
    _fresh(dbsession)
    assert dbsession.get(CourseItem, culture_id).retired_at is None
    assert culture_id in {i.id for i in dbsession.scalar(select(Course).where(Course.slug == "day1")).active_items}


def test_a_course_with_history_is_archived_not_deleted(testapp, dbsession, clock):
    person, path, (day1, _shadow, _day2) = _cast(dbsession, clock)
    solo = ft.course("solo", ("r", "reading", "policies/daily-rules"))
    ft.course("gone", ("r", "reading", "policies/daily-rules"))
    # `solo` was on the path, the person read it, then the path moved on without it.
    ft.authoring(dbsession, clock).apply_path(path, {"title": path.title, "steps": [
        {"course": "day1", "due_day": 0}, {"course": "solo", "due_day": 0}]})
    ft.read(ft.service(dbsession, clock), person, solo.items[0])
    ft.authoring(dbsession, clock).apply_path(path, {"title": path.title, "steps": [
        {"course": "day1", "due_day": 0}]})
    dbsession.commit()
    login(testapp, "teacher")
    page = testapp.get("/training/courses")
    confirm = page.click(href="/training/courses/solo/delete")
    assert "training-delete" not in confirm.forms and "归档" in confirm.text
    response = testapp.post("/training/courses/solo/delete", {"csrf_token": csrf_token(testapp)}, status=400)
    assert "不能删除" in response.text and "归档" in response.text
    confirm.forms["training-archive"].submit("action", value="archive", status=303)
    page = testapp.get("/training/courses")
    assert page.html.select_one("table.training-archived tr[data-course=solo]") is not None
    _fresh(dbsession)
    assert dbsession.scalar(select(func.count()).select_from(ItemProgress).where(
        ItemProgress.item_id == solo.items[0].id)) == 1
    # A course in a path is neither deleted nor archived; one without history is deleted after confirming.
    testapp.post("/training/courses/day1/archive", {"csrf_token": csrf_token(testapp), "action": "archive"},
                 status=400)
    confirm = testapp.get("/training/courses/gone/delete")
    confirm.forms["training-delete"].submit(status=303)
    _fresh(dbsession)
    assert dbsession.scalar(select(Course.id).where(Course.slug == "gone")) is None
    page = testapp.get("/training/courses")
    form = next(f for f in page.forms.values() if f.action.endswith("/training/courses/solo/archive"))
    form.submit("action", value="restore", status=303)
    _fresh(dbsession)
    assert dbsession.scalar(select(Course.archived_at).where(Course.slug == "solo")) is None
