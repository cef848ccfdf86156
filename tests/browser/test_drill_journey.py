"""Today's drill in real Chromium: a new hire answers one item right and one wrong, reads the feedback and
the explanation, finishes the day and sees the streak move and when the next items are due."""

import re

import pytest

from tests.browser.conftest import browser_login
from tests.factories import AccountFactory, PositionFactory, TeamFactory
from tests.factories_drill import DrillItemFactory
from tests.factories_quizzes import make_bank

pytestmark = pytest.mark.browser


def _streak(page) -> str:
    return page.locator(".drill-streak").inner_text()


def test_new_hire_does_todays_drill(page, live_server, dbsession, clock):
    AccountFactory(username="xiaowang", team=TeamFactory(), position=PositionFactory())
    DrillItemFactory(prompt="首次响应时限", explanation="首次响应时限：60秒", source_title="响应与标准话术")
    make_bank(dbsession, keys=["q-single"])  # a handbook item comes before a bank question

    browser_login(page, live_server, "xiaowang")
    assert "今天的练习已经准备好了" in page.inner_text("main")
    with page.expect_navigation():
        page.click("text=开始今日练习")
    assert _streak(page) == "连续练习：0 天"
    assert "已完成 0 / 2" in page.inner_text("#drill-status")

    assert page.inner_text("#drill-prompt") == "首次响应时限"
    page.fill("#drill-value", "60")
    with page.expect_navigation():
        page.click("button:has-text('提交答案')")
    feedback = page.locator(".drill-feedback")
    assert "is-right" in feedback.get_attribute("class")
    assert "答对了！" in feedback.inner_text() and "首次响应时限：60秒" in feedback.inner_text()
    assert _streak(page) == "连续练习：1 天"  # the first answer of the day counts the day
    assert "已完成 1 / 2" in page.inner_text("#drill-status")

    assert page.inner_text("#drill-prompt") == "客户满意度取决于什么？"
    page.click("label:has-text('价格高低')")
    with page.expect_navigation():
        page.click("button:has-text('提交答案')")
    feedback = page.locator(".drill-feedback")
    assert "is-wrong" in feedback.get_attribute("class")
    text = feedback.inner_text()
    assert "答错了。" in text and "实际感受与期望之间的差距" in text and "因为……" in text

    # Done for today: no form, the streak stands, and the page says when the next items come.
    assert page.locator("form.drill-form").count() == 0
    done = page.inner_text(".drill-done")
    assert "今天的练习已完成。" in done
    # The wrong answer comes back tomorrow (Shanghai day of 2026-03-02 09:00 UTC is 03-02).
    assert re.search(r"下次练习日期：2026-03-03", done), done
    page.reload()
    assert _streak(page) == "连续练习：1 天"
    history = page.locator("table.drill-history tbody tr").last.inner_text()
    assert history.split() == ["2026-03-02", "2", "1"]
