"""The evaluator's queue at scale (filters, pages, bad filters), the navigation badge and the home panels."""

from datetime import date

import pytest
import webtest

from cs_handbook.models.accounts import Account
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory
from tests.factories_qa import sampled, score_all


@pytest.fixture
def day_of_two_teams(dbsession):
    """Two teams, three agents, 62 drafts over two days."""
    first, second = TeamFactory(name="一组"), TeamFactory(name="二组")
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li", team=first)
    AccountFactory(username="wang", team=first)
    AccountFactory(username="zhao", team=second)
    sampled(dbsession, "li", [(f"li-{i}", True) for i in range(25)])
    sampled(dbsession, "wang", [(f"wang-{i}", False) for i in range(20)])
    sampled(dbsession, "zhao", [(f"zhao-{i}", True) for i in range(15)])
    sampled(dbsession, "zhao", [(f"zhao-old-{i}", True) for i in range(2)], day=date(2026, 3, 1))
    return {"first": first, "second": second}


def rows(page) -> list[str]:
    return [a.text for a in page.html.select("table.qa-queue tbody td a")]


def test_the_queue_pages_and_filters(testapp, dbsession, day_of_two_teams):
    login(testapp, "qa1")
    first_page = testapp.get("/qa/")
    assert "待评分" in first_page.text and "(57)" in first_page.text  # li's sample is capped at 20
    assert len(rows(first_page)) == 50 and sorted(rows(first_page)[:2]) == ["zhao-old-0", "zhao-old-1"]
    second_page = first_page.click(href="page=2")
    assert len(rows(second_page)) == 7 and "第 2 页，共 2 页" in second_page.text
    team = testapp.get("/qa/", {"team": day_of_two_teams["second"].id})
    assert sorted(rows(team)) == sorted([f"zhao-{i}" for i in range(15)] + ["zhao-old-0", "zhao-old-1"])
    agent = testapp.get("/qa/", {"agent": "Wang ", "day": "2026-03-02"})
    assert len(rows(agent)) == 20 and all(r.startswith("wang-") for r in rows(agent))
    assert "page=2" not in agent.text
    empty = testapp.get("/qa/", {"day": "2026-02-01"})
    assert rows(empty) == [] and "没有符合筛选条件的待评分记录" in empty.text


@pytest.mark.parametrize("query, message", [
    ({"day": "2026-13-01"}, "请按 YYYY-MM-DD 格式填写日期。"),
    ({"team": "abc"}, "没有这个团队。"),
    ({"team": "99999999999999999999"}, "没有这个团队。"),
    ({"team": "999999"}, "没有这个团队。"),
    ({"agent": "ghost"}, "没有用户名为 ghost 的客服。"),
    ({"page": "0"}, "页码必须是从 1 开始的整数。"),
    ({"page": "²"}, "页码必须是从 1 开始的整数。"),
])
def test_bad_filters_are_a_400_with_a_message(testapp, dbsession, query, message):
    AccountFactory(username="qa1", roles=["qa"])
    login(testapp, "qa1")
    assert message in testapp.get("/qa/", query, status=400).text


def test_the_badge_and_the_panels(app, dbsession, clock, day_of_two_teams):
    evaluator = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.5", "HTTP_HOST": "localhost"})
    login(evaluator, "qa1")
    home = evaluator.get("/")
    assert "57 张评分卡待处理" in home.text
    badge = home.html.select_one("a[href$='/qa/'] .badge")
    assert badge is not None and badge.text.strip() == "57"
    score_all(dbsession, dbsession.query(Account).filter_by(username="qa1").one(), failing=("greeting",))
    agent = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.6", "HTTP_HOST": "localhost"})
    login(agent, "wang")
    text = agent.get("/").text
    # wang's 20 scorecards all fail on 2 March: the day's point is lost, once.
    assert "2026-03 积分 25 / 26" in text and "扣 1 分" in text
    nobody = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.7", "HTTP_HOST": "localhost"})
    AccountFactory(username="new")
    dbsession.commit()
    login(nobody, "new")
    assert "积分" not in nobody.get("/").text
