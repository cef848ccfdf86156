"""Admin journey in real Chromium: from the navigation to a person, a grant picked by name, a new
password for the person (their open session ends, the new password works), a team renamed."""

import pytest

from tests.browser.conftest import browser_login
from tests.factories import AccountFactory, TeamFactory

pytestmark = pytest.mark.browser


def test_admin_grants_by_name_sets_a_password_and_renames_a_team(page, live_server, dbsession, browser):
    TeamFactory(name="客服一组")
    AccountFactory(username="lead", display_name="刘组长")
    AccountFactory(username="boss", display_name="管理员", roles=["admin"])
    # The person is signed in elsewhere before the reset.
    context = browser.new_context(base_url=live_server.url)
    try:
        other = context.new_page()
        browser_login(other, live_server, "lead")
        assert other.url == live_server("/")

        browser_login(page, live_server, "boss")
        with page.expect_navigation():
            page.locator("nav.site-nav").get_by_role("link", name="账号").click()
        with page.expect_navigation():
            page.get_by_role("link", name="lead", exact=True).click()

        grant = page.locator("form#grant-manager-team")
        grant.locator("select[name=scope_id]").select_option(label="客服一组")
        with page.expect_navigation():
            grant.locator("button[type=submit]").click()
        assert page.locator("ul.grants li").first.inner_text().startswith("团队经理 · 客服一组")

        with page.expect_navigation():
            page.get_by_role("link", name="设置新密码").click()
        form = page.locator("form#password")
        form.locator("input[name=new_password]").fill("a-brand-new-pass-1")
        form.locator("input[name=new_password-confirm]").fill("a-brand-new-pass-1")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "已为 刘组长 设置新密码" in page.get_by_role("status").first.inner_text()

        # The open session has ended; the new password lets them back in.
        other.goto(live_server("/"))
        assert other.url.startswith(live_server("/signin"))
        browser_login(other, live_server, "lead", "a-brand-new-pass-1")
        assert other.url == live_server("/")
    finally:
        context.close()

    page.goto(live_server("/admin/accounts"))
    with page.expect_navigation():
        page.locator("p.actions").get_by_role("link", name="团队").click()
    with page.expect_navigation():
        page.get_by_role("link", name="客服一组").click()
    form = page.locator("form#team")
    form.locator("input[name=name]").fill("华东客服组")
    form.locator("select[name=timezone]").select_option("Asia/Urumqi")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    row = page.locator("tbody tr", has_text="华东客服组")
    assert "Asia/Urumqi" in row.inner_text()
