"""The navigation bar: one plain row for staff, named groups for anyone whose roles span several."""

from tests.conftest import login
from tests.factories import AccountFactory


def _client(testapp, account):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, account.username)
    return client


def _groups(page) -> list[tuple[str | None, list[str]]]:
    """(group name or None, the entries' labels) in the bar's order."""
    bar = page.html.select_one("nav.site-nav > ul")
    found = []
    for entry in bar.find_all("li", recursive=False):
        name = entry.select_one(":scope > .nav-group-name")
        if name is None:
            found.append((None, [entry.a.get_text(strip=True)]))
            continue
        entries = entry.select_one(f"ul[aria-labelledby='{name['id']}']").find_all("li")
        found.append((name.get_text(strip=True), [li.a.get_text(strip=True) for li in entries]))
    return found


def test_staff_get_one_plain_row_without_group_names(testapp, dbsession):
    page = _client(testapp, AccountFactory()).get("/")
    groups = _groups(page)
    assert {name for name, _entries in groups} == {None}
    assert [entries[0] for _name, entries in groups][:3] == ["首页", "服务手册", "我的入职培训"]
    assert "nav-group-name" not in page.text


def test_an_administrator_sees_each_group_under_its_name_in_order(testapp, dbsession):
    admin = AccountFactory(roles=["admin", "trainer", "reviewer", "manager", "qa"])
    groups = dict(_groups(_client(testapp, admin).get("/")))
    assert list(groups) == ["学习", "编写", "审核", "团队", "系统管理"]
    assert groups["学习"][:2] == ["首页", "服务手册"]
    assert "新建文档" in groups["编写"] and "待审核" in groups["审核"]
    assert "团队看板" in groups["团队"]
    assert groups["系统管理"] == ["账号管理", "审计日志", "站点设置"]


def test_a_trainer_sees_learning_and_writing_only(testapp, dbsession):
    groups = dict(_groups(_client(testapp, AccountFactory(roles=["trainer"])).get("/")))
    assert list(groups) == ["学习", "编写"]
    assert "我的文档" in groups["编写"] and "新建文档" in groups["编写"]


def test_group_names_follow_the_language(testapp, dbsession):
    account = AccountFactory(roles=["admin"], language="en")
    groups = dict(_groups(_client(testapp, account).get("/")))
    assert "Learn" in groups and groups["Administration"] == ["Accounts", "Audit log", "Site settings"]
