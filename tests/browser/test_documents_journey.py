"""Documents journey in real Chromium: a trainer edits a published page (with the
Markdown preview) and submits it, a reviewer approves it from the queue, and a
staff member reads the new version and the character-level diff.

Staff must keep reading the published text while the working copy waits.
Each person has a browser context of their own (their own cookies).
"""

import pytest

from cs_handbook.models.documents import Document, DocumentState
from tests.browser.conftest import TIMEOUT_MS, browser_login
from tests.factories import AccountFactory
from tests.factories_documents import make_document

pytestmark = pytest.mark.browser

OLD = "首问负责，限时答复。"
NEW = "首问负责，两小时内答复。"


def _context_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _body_text(page) -> str:
    return page.locator(".doc-body").inner_text()


def test_edit_submit_approve_and_read_the_new_version(page, browser, live_server, dbsession):
    AccountFactory(username="trainer", roles=["trainer"])
    AccountFactory(username="reviewer", roles=["reviewer"])
    AccountFactory(username="staff")
    document = make_document("handbook/basics/first-contact", title="首问负责制", body=OLD)
    document_id = document.id
    dbsession.rollback()  # the browser's writes must not wait for this session (SQLite)

    # The trainer opens the published page, edits it, previews and saves a working copy.
    browser_login(page, live_server, "trainer")
    page.goto(live_server("/handbook/read/handbook/basics/first-contact"))
    with page.expect_navigation():
        page.locator(f"a[href$='/handbook/doc/{document_id}/edit']").click()
    page.fill("textarea[name=body_md]", NEW)
    page.fill("input[name=comment]", "时限改为两小时")
    page.click("#markdown-preview")
    page.locator("#preview-output").get_by_text(NEW).wait_for()
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert page.url == live_server(f"/handbook/doc/{document_id}/history")
    # ... and submits it for review.
    page.fill("form.workflow input[name=comment]", "请审核")
    with page.expect_navigation():
        page.click("form.workflow button[value=submit]")
    assert page.locator(".state").inner_text() == "待审核"

    # Meanwhile staff still read the published text.
    staff_context, staff = _context_page(browser, live_server)
    try:
        browser_login(staff, live_server, "staff")
        staff.goto(live_server("/handbook/read/handbook/basics/first-contact"))
        assert OLD in _body_text(staff) and NEW not in _body_text(staff)

        # The reviewer sees it in the queue (with the count in the navigation) and approves.
        reviewer_context, reviewer = _context_page(browser, live_server)
        try:
            browser_login(reviewer, live_server, "reviewer")
            reviewer.goto(live_server("/handbook/review"))
            badge = reviewer.locator("nav.site-nav a[href$='/handbook/review'] .badge")
            assert badge.inner_text() == "1"
            item = reviewer.locator("ul.queue li", has_text="首问负责制")
            assert item.count() == 1
            assert "请审核" in item.inner_text()  # the trainer's submit comment
            # The change under review: the published text against the submitted working copy.
            with reviewer.expect_navigation():
                item.locator("a", has_text="查看待审改动").click()
            assert reviewer.locator("table.diff tr.diff-replace ins").all_inner_texts() == ["两小", "内"]
            with reviewer.expect_navigation():
                reviewer.go_back()
            item = reviewer.locator("ul.queue li", has_text="首问负责制")
            item.locator("input[name=comment]").fill("同意")
            with reviewer.expect_navigation():
                item.locator("button[value=approve]").click()
            assert reviewer.locator("ul.queue li", has_text="首问负责制").count() == 0
            assert badge.count() == 0
        finally:
            reviewer_context.close()

        # Staff now read the new version and can see what changed, character by character.
        staff.goto(live_server("/handbook/read/handbook/basics/first-contact"))
        assert NEW in _body_text(staff)
        with staff.expect_navigation():
            staff.locator(f"a[href$='/handbook/doc/{document_id}/diff']").click()
        changed = staff.locator("table.diff tr.diff-replace")
        # 限时 → 两小时内 keeps the shared 时: only the changed characters are marked.
        assert changed.locator("del").all_inner_texts() == ["限"]
        assert changed.locator("ins").all_inner_texts() == ["两小", "内"]
    finally:
        staff_context.close()

    stored = dbsession.get(Document, document_id)
    assert stored.state == DocumentState.PUBLISHED
    assert stored.published_version.body_md == NEW and stored.published_version.number == 2
    dbsession.rollback()


def test_trainer_edits_phrases_as_data(page, live_server, dbsession):
    """Add a phrase, mark it forbidden, move it to the top and remove another, with deform's sequence buttons."""
    AccountFactory(username="trainer", roles=["trainer"])
    document = make_document("scripts/greeting", title="问候", data={"situations": [
        {"key": "greeting", "title": "问候", "manner": "亲切", "phrases": [
            {"text": "您好"}, {"text": "喂，干嘛？", "forbidden": True, "note": "不礼貌"}]}]})
    document_id = document.id
    dbsession.rollback()

    browser_login(page, live_server, "trainer")
    page.goto(live_server(f"/handbook/doc/{document_id}/edit"))
    phrases = page.locator(".deform-seq:has(> input[value='phrases:sequence'])").first
    items = phrases.locator(":scope > .card > .card-body > .deform-seq-container > .deform-seq-item")
    assert items.count() == 2
    phrases.locator(":scope > .card > .card-footer > a.deform-seq-add").click()
    assert items.count() == 3
    items.nth(2).locator("input[name=text]").fill("别烦我")
    items.nth(2).locator("input[name=forbidden]").check()
    items.nth(2).locator(".deform-order-button").first.click()
    items.nth(1).locator(".deform-order-button").first.click()
    assert items.nth(0).locator("input[name=text]").input_value() == "别烦我"
    items.nth(2).locator(".deform-close-button").first.click()
    assert items.count() == 2
    page.fill("input[name=comment]", "调整话术")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert page.url == live_server(f"/handbook/doc/{document_id}/history")

    stored = dbsession.get(Document, document_id)
    assert stored.latest_version.data["situations"][0]["phrases"] == [
        {"text": "别烦我", "forbidden": True}, {"text": "您好"}]
    assert stored.published_version.number == 1  # the working copy waits for review
    dbsession.rollback()
