"""The language switch, and both languages complete in the layout's chrome."""

import re

import pytest
import webtest
from sqlalchemy import select

from cs_handbook.models.accounts import Account
from tests.conftest import login
from tests.factories import AccountFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Names shown as themselves whatever the language: the language names of
# the switch, and the signed-in person's name.
AS_IS = {"简体中文", "English"}


def _switch(testapp, language, came_from="/", status=303):
    page = testapp.get("/signin")
    if page.status_int == 303:  # signed in: any page has the switch
        page = testapp.get("/account/password")
    form = next(f for f in page.forms.values() if f.action.endswith("/language"))
    form["language"] = language
    form["came_from"] = came_from
    return form.submit(status=status)


def _chrome(page) -> list[str]:
    """Visible text of the layout around the page's content: header, navigation, footer, title, labels."""
    html = page.html
    texts = []
    for part in (html.find("header"), html.find("footer")):
        texts += [t.strip() for t in part.find_all(string=True) if t.strip()]
        texts += [el["aria-label"] for el in part.find_all(attrs={"aria-label": True})]
    texts.append(html.title.text.split("·")[-1].strip())
    texts.append(html.find("a", class_="skip-link").text.strip())
    return [t for t in texts if t not in AS_IS]


def test_chinese_is_the_default(testapp):
    page = testapp.get("/signin")
    assert page.html.html["lang"] == "zh-CN" and "登录" in page.text


def test_anonymous_switch_is_kept_in_a_cookie(testapp, dbsession):
    response = _switch(testapp, "en", came_from="/signin")
    assert response.location == "http://localhost/signin"
    assert testapp.cookies["_LOCALE_"] == "en"
    page = testapp.get("/signin")
    assert page.html.html["lang"] == "en" and "Sign in" in page.text and "登录" not in page.text
    _switch(testapp, "zh_CN")
    assert "登录" in testapp.get("/signin").text


def test_signed_in_choice_is_stored_on_the_account(testapp, app, dbsession):
    AccountFactory(username="wang", display_name="Wang Fang")
    login(testapp, "wang")
    _switch(testapp, "en")
    fresh(dbsession)
    assert dbsession.scalar(select(Account.language).where(Account.username == "wang")) == "en"
    # Another browser, no cookie: the account's language wins once signed in.
    other = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.5", "HTTP_HOST": "localhost"})
    assert "登录" in other.get("/signin").text
    page = login(other, "wang").follow()
    assert page.html.html["lang"] == "en" and "Sign out" in page.text


def test_unknown_language_and_outside_redirects_are_refused(testapp, dbsession):
    token = testapp.get("/signin").forms["deform"]["csrf_token"].value
    testapp.post("/language", {"csrf_token": token, "language": "fr"}, status=400)
    testapp.post("/language", {"csrf_token": token}, status=400)
    response = testapp.post("/language", {"csrf_token": token, "language": "en", "came_from": "//evil.example/"},
                            status=303)
    assert response.location == "http://localhost/"
    response = testapp.post("/language", {"csrf_token": token, "language": "en",
                                          "came_from": "https://evil.example/"}, status=303)
    assert response.location == "http://localhost/"


PAGES = ["/", "/account/password", "/account/notices", "/admin/accounts", "/admin/accounts/new",
         "/admin/accounts/roster", "/admin/teams", "/admin/audit"]


def _visit_all(testapp):
    pages = [testapp.get(path) for path in PAGES]
    pages.append(testapp.get("/no/such/page", status=404))
    return pages


def test_english_pages_have_no_chinese_chrome(testapp, dbsession):
    AccountFactory(username="boss", display_name="Boss", roles=["admin"], language="en")
    login(testapp, "boss")
    for page in _visit_all(testapp):
        chinese = [t for t in _chrome(page) if CJK.search(t)]
        assert not chinese, f"{page.request.path}: {chinese}"
        labels = [label.text.strip() for label in page.html.find_all("label") if CJK.search(label.text)]
        assert not labels, f"{page.request.path}: {labels}"


def test_chinese_pages_have_no_untranslated_english_chrome(testapp, dbsession):
    AccountFactory(username="boss", display_name="老板", roles=["admin"])
    login(testapp, "boss")
    for page in _visit_all(testapp):
        english = [t for t in _chrome(page) if LATIN_WORD.search(t) and not CJK.search(t)]
        assert not english, f"{page.request.path}: {english}"
        labels = [label.text.strip() for label in page.html.find_all("label")
                  if LATIN_WORD.search(label.text) and not CJK.search(label.text)]
        assert not labels, f"{page.request.path}: {labels}"


def test_error_pages_in_both_languages(testapp, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    page = testapp.get("/admin/accounts", status=403)
    assert "无权访问" in page.text and "Traceback" not in page.text
    assert "页面不存在" in testapp.get("/nowhere", status=404).text
    _switch(testapp, "en")
    assert "Access denied" in testapp.get("/admin/accounts", status=403).text
    assert "Page not found" in testapp.get("/nowhere", status=404).text


def test_400_and_405_pages_are_translated(testapp, dbsession):
    token = testapp.get("/signin").forms["deform"]["csrf_token"].value
    page = testapp.post("/language", {"csrf_token": token, "language": "fr"}, status=400)
    assert "请求有误" in page.text and "不支持的语言" in page.text and "Bad Request" not in page.text
    assert "不支持的请求方式" in testapp.delete("/signin", headers={"X-CSRF-Token": token}, status=405).text


def test_came_from_must_be_a_clean_path_on_this_site(testapp, dbsession):
    for came_from, location in [
        ("/signin\r\nSet-Cookie: stolen=1", "http://localhost/"),  # a header split: no 500, no header
        ("//evil.example/", "http://localhost/"),
        ("/\\evil.example", "http://localhost/"),
        ("https://evil.example/", "http://localhost/"),
        ("/文档?q=退货 政策", "http://localhost/%E6%96%87%E6%A1%A3?q=%E9%80%80%E8%B4%A7%20%E6%94%BF%E7%AD%96"),
    ]:
        response = _switch(testapp, "en", came_from=came_from)
        assert response.location == location, came_from
        assert "stolen" not in response.headers.get("Set-Cookie", "")
