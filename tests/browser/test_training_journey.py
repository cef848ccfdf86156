"""Onboarding in real Chromium: a new hire opens and reads two items and asks for a sign-off,
the mentor signs off, the new hire's progress bar moves and the manager's view agrees; a
trainer adds and reorders items in the course builder (a working copy until review)."""

from datetime import date

import pytest

from tests import factories
from tests import factories_training as ft
from tests.browser.conftest import browser_login

pytestmark = pytest.mark.browser


def _percent(page) -> str:
    return page.locator("#training-progress").get_attribute("value")


def test_new_hire_mentor_and_manager(page, live_server, dbsession, clock):
    _path, (day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(date(2026, 3, 2), team=team, username="nh", display_name="新人小张")
    mentor = factories.AccountFactory(username="mentor")
    manager = factories.AccountFactory(username="boss", roles=["manager"])
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()

    browser_login(page, live_server, "nh")
    page.goto(live_server("/training/"))
    assert _percent(page) == "0"
    for item in day1.items[:2]:
        page.goto(live_server(f"/training/items/{item.id}"))
        # The reading opens in a new tab (through the site, which records it); then "I have read it".
        with page.expect_popup() as popup:
            page.click("a.training-open")
        popup.value.close()
        with page.expect_navigation():
            page.click("#training-confirm button[type=submit]")
    assert _percent(page) == "50"
    page.goto(live_server(f"/training/items/{shadow.items[0].id}"))
    page.fill("#signoff-note", "跟随了两个电话咨询")
    with page.expect_navigation():
        page.click("#training-request button[type=submit]")
    assert page.locator(".training-item.state-requested").count() >= 1

    page.context.clear_cookies()
    browser_login(page, live_server, "mentor")
    page.goto(live_server("/training/mentees"))
    assert "跟随了两个电话咨询" in page.inner_text("main")
    page.fill("form.training-signoff textarea", "认真")  # a sign-off always carries a note
    with page.expect_navigation():
        page.click("form.training-signoff button[value=approve]")
    assert page.locator("span.training-percent[data-person=nh]").inner_text() == "75%"

    page.context.clear_cookies()
    browser_login(page, live_server, "nh")
    page.goto(live_server("/training/"))
    assert _percent(page) == "75"

    page.context.clear_cookies()
    browser_login(page, live_server, "boss")
    page.goto(live_server("/"))
    with page.expect_navigation():
        page.click("nav a[href$='/training/team']")
    assert page.locator("span.training-percent[data-person=nh]").inner_text() == "75%"
    assert page.locator("table.training-not-enrolled").count() == 0  # everyone in the team is enrolled
    with page.expect_navigation():
        page.click("a:text('新人小张')")
    assert _percent(page) == "75"


def test_trainer_adds_and_reorders_items_in_the_course_builder(page, live_server, dbsession, clock):
    from sqlalchemy import select

    from cs_handbook.models.training import Course

    ft.documents("handbook/basics/what-is-service")
    ft.course("builder", ("first", "reading", "handbook/basics/what-is-service"))
    factories.AccountFactory(username="teacher", roles=["trainer"])
    browser_login(page, live_server, "teacher")
    page.goto(live_server("/training/courses/builder"))
    page.click("#course .deform-seq-add")
    item = page.locator("#course .deform-seq-item").nth(1)
    item.locator("input[name=key]").fill("second")
    item.locator("input[name=title]").fill("第二项")
    item.locator("select[name=kind]").select_option("practical")
    # Move the new item above the first one.
    item.locator(".deform-order-button").click()
    assert page.locator("#course .deform-seq-item").nth(0).locator("input[name=key]").input_value() == "second"
    with page.expect_navigation():
        page.click("#course button[name=submit]")
    dbsession.rollback()
    course = dbsession.scalar(select(Course).where(Course.slug == "builder"))
    # A working copy: the published items stay as they were until a reviewer approves.
    assert [i["key"] for i in course.draft["items"]] == ["second", "first"]
    assert [i.key for i in course.items] == ["first"]
    dbsession.rollback()
