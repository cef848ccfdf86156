"""The team dashboard a page at a time: page size, links, a stable order, bad page numbers; exports stay whole."""

import io
import random

import openpyxl
import pytest

from cs_handbook.models.accounts import GlobalRole
from cs_handbook.services.reports import PAGE_SIZE
from tests import factories as f
from tests.conftest import login

PEOPLE = PAGE_SIZE + 5


@pytest.fixture
def big_team(dbsession, clock):
    team = f.TeamFactory(name="大组")
    other = f.TeamFactory(name="小组")
    names = [f"客服{n:03d}" for n in range(PEOPLE)]
    random.Random(3).shuffle(names)  # created out of order: the page order must not be the ids'
    for n, name in enumerate(names):
        f.AccountFactory(username=f"agent{n:03d}", display_name=name, team=team)
    # Two people with the same name: the id decides, so they never swap pages.
    f.AccountFactory(username="twin-b", display_name="客服049", team=team)
    f.AccountFactory(username="outsider", display_name="外人", team=other)
    f.AccountFactory(username="loner", display_name="独行者")
    boss = f.AccountFactory(username="boss", display_name="经理", roles=[GlobalRole.MANAGER])
    f.AccountFactory(username="root", display_name="管理员", roles=[GlobalRole.ADMIN])
    dbsession.commit()
    f.make_team_manager(boss, team)
    return team


def _names(page):
    return [tr.find("a").get_text() for tr in page.html.find("tbody").find_all("tr", attrs={"data-account": True})]


def test_pages_cover_the_team_once_in_name_order(testapp, big_team):
    login(testapp, "boss")
    first = testapp.get("/reports/", params={"month": "2026-03"})
    assert len(_names(first)) == PAGE_SIZE
    pager = first.html.find("nav", class_="reports-pager")
    assert "第 1 页，共 2 页" in pager.get_text() and f"第 1–{PAGE_SIZE} 人，共 {PEOPLE + 1} 人" in pager.get_text()
    assert pager.find("a", rel="prev") is None
    second = testapp.get(pager.find("a", rel="next")["href"])
    assert "page=2" in second.request.url and "month=2026-03" in second.request.url
    names = _names(first) + _names(second)
    assert names == sorted(names) and len(names) == PEOPLE + 1
    assert set(names) == {f"客服{n:03d}" for n in range(PEOPLE)}
    assert second.html.find("nav", class_="reports-pager").find("a", rel="next") is None
    assert "外人" not in first.text + second.text and "独行者" not in first.text + second.text
    # The same name twice: the older account first, on every request.
    usernames = [tr["data-account"] for tr in first.html.find_all("tr", attrs={"data-account": True})]
    usernames += [tr["data-account"] for tr in second.html.find_all("tr", attrs={"data-account": True})]
    twins = [u for u, n in zip(usernames, names, strict=True) if n == "客服049"]
    assert twins[1] == "twin-b"


def test_export_is_not_paged(testapp, big_team):
    login(testapp, "boss")
    body = testapp.get("/reports/export.xlsx", params={"month": "2026-03"}).body
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))[1:]
    assert len(rows) == PEOPLE + 1 and {row[2] for row in rows} == {"大组"}


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "99999999"])
def test_bad_page_is_refused_with_a_message(testapp, big_team, value):
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"page": value}, status=400)
    assert "页码必须是从 1 开始的整数" in page.text


def test_page_past_the_end_shows_the_last_page(testapp, big_team):
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"page": "7"})
    assert len(_names(page)) == PEOPLE + 1 - PAGE_SIZE
    assert page.html.find("nav", class_="reports-pager").find("a", attrs={"aria-current": "page"}).get_text() == "2"


def test_people_of_no_team_are_last_for_admins_and_have_a_filter(testapp, big_team):
    login(testapp, "root")
    last = testapp.get("/reports/", params={"page": "2"})
    rows = last.html.find("tbody").find_all("tr", attrs={"data-account": True})
    assert [r["data-account"] for r in rows[-3:]] == ["loner", "root", "boss"]  # 独行者, 管理员, 经理
    assert rows[-1].find_all("td")[1].get_text(strip=True) == "无团队"
    alone = testapp.get("/reports/", params={"team": "none"})
    assert [tr["data-account"] for tr in alone.html.find_all("tr", attrs={"data-account": True})] == [
        "loner", "root", "boss"]
    assert alone.html.find("h1").get_text(strip=True).endswith("无团队")
    text = testapp.get("/reports/export.csv", params={"team": "none"}).body.decode("utf-8-sig")
    assert [line.split(",")[2] for line in text.splitlines()[1:]] == ["无团队"] * 3
