"""Foundation journeys in real Chromium: sign in and out, a wrong password, an admin
creating a user who then signs in, and the language switch."""

import pytest
from pyramid.interfaces import ILocalizer

from cs_handbook.i18n import _
from tests.browser.conftest import browser_login
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import AccountFactory

pytestmark = pytest.mark.browser


def t(registry, locale_name: str, msgid: str, **mapping) -> str:
    """The text a reader of `locale_name` sees for `msgid` (from the app's own catalogs)."""
    localizer = registry.getUtility(ILocalizer, name=locale_name)
    return localizer.translate(_(msgid, mapping=mapping or None))


def signout_button(page, registry, locale_name="zh_CN"):
    return page.locator("form[action$='/signout'] button[type=submit]")


def test_sign_in_shows_the_signed_in_home(page, live_server, dbsession, registry):
    AccountFactory(username="wang", display_name="王芳")
    browser_login(page, live_server, "wang")
    assert page.url == live_server("/")
    # The name in the header links to the own account; the welcome flash says it too.
    assert page.locator("header .who").inner_text() == "王芳"
    assert page.get_by_role("status").first.inner_text() == t(registry, "zh_CN", "Welcome, ${name}.", name="王芳")
    assert page.locator("nav.site-nav").is_visible()


def test_wrong_password_shows_a_clear_message(page, live_server, dbsession, registry):
    AccountFactory(username="wang")
    browser_login(page, live_server, "wang", "not-the-password")
    alert = page.locator("#signin-error")
    assert alert.get_attribute("role") == "alert"
    assert alert.inner_text() == t(registry, "zh_CN", "Wrong username or password.")
    # Still signed out: no sign-out button, the username kept for a retry.
    assert page.url.startswith(live_server("/signin"))
    assert signout_button(page, registry).count() == 0
    assert page.input_value("input[name=username]") == "wang"
    # Protected pages still send the reader to the sign-in page.
    page.goto(live_server("/account/password"))
    assert page.url.startswith(live_server("/signin"))


def test_sign_out_ends_the_session(page, live_server, dbsession):
    AccountFactory(username="wang")
    browser_login(page, live_server, "wang")
    page.goto(live_server("/account/password"))
    assert page.url == live_server("/account/password")
    with page.expect_navigation():
        signout_button(page, None).click()
    assert page.url.startswith(live_server("/signin"))
    page.goto(live_server("/account/password"))
    assert page.url.startswith(live_server("/signin"))
    assert page.locator("header .who").count() == 0


def test_admin_creates_a_user_who_then_signs_in(page, live_server, dbsession, registry, browser):
    AccountFactory(username="boss", display_name="管理员", roles=["admin"])
    browser_login(page, live_server, "boss")
    page.goto(live_server("/admin/accounts/new"))
    form = page.locator("form#account")
    form.locator("input[name=username]").fill("li.na")
    form.locator("input[name=display_name]").fill("李娜")
    form.locator("input[name=email]").fill("li.na@example.com")
    form.locator("input[name=password]").fill("a-good-initial-pass")
    form.locator("input[name=password-confirm]").fill("a-good-initial-pass")
    form.locator("select[name=language]").select_option("en")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.get_by_role("status").first.inner_text() == t(
        registry, "zh_CN", "Account ${username} created.", username="li.na")
    assert "/admin/accounts/" in page.url

    # The new person signs in from another browser session, in their language.
    context = browser.new_context(base_url=live_server.url)
    try:
        newcomer = context.new_page()
        browser_login(newcomer, live_server, "li.na", "a-good-initial-pass")
        assert newcomer.url == live_server("/")
        assert newcomer.locator("header .who").inner_text() == "李娜"
        assert newcomer.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_admin_form_with_a_short_password_is_refused_with_a_message(page, live_server, dbsession, registry):
    AccountFactory(username="boss", roles=["admin"])
    browser_login(page, live_server, "boss")
    page.goto(live_server("/admin/accounts/new"))
    form = page.locator("form#account")
    form.locator("input[name=username]").fill("short")
    form.locator("input[name=display_name]").fill("短密码")
    form.locator("input[name=password]").fill("short")
    form.locator("input[name=password-confirm]").fill("short")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == live_server("/admin/accounts/new")
    assert t(registry, "zh_CN", "At least 10 characters, please.") in page.locator("form#account").inner_text()


def _switch_language(page, code: str):
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator("form[action$='/language'] button[type=submit]").click()


def test_language_switch_signed_out(page, live_server, dbsession, registry):
    page.goto(live_server("/signin"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == t(registry, "zh_CN", "Sign in")
    _switch_language(page, "en")
    # Back on the same page, now in English, and it stays so (cookie).
    assert page.url == live_server("/signin")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    _switch_language(page, "zh_CN")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == t(registry, "zh_CN", "Sign in")


def test_language_switch_is_kept_on_the_account(page, live_server, dbsession, browser):
    account = AccountFactory(username="wang", language="zh_CN")
    browser_login(page, live_server, "wang")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.goto(live_server("/account/password"))
    _switch_language(page, "en")
    assert page.url == live_server("/account/password")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#language-select").input_value() == "en"
    dbsession.refresh(account)
    assert account.language == "en"
    # On SQLite the test's session holds the write lock until it ends.
    dbsession.rollback()

    # A new browser (no language cookie) gets English once the account signs in.
    context = browser.new_context(base_url=live_server.url)
    try:
        other = context.new_page()
        browser_login(other, live_server, "wang", DEFAULT_PASSWORD)
        assert other.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
