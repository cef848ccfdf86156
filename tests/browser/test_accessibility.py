"""axe-core in real Chromium on the main page of every area, as the person who uses it.

Each page is reached the way its user reaches it (signed in with the right role, a quiz
started from "My quizzes", an admin form sent with mistakes) and checked in Simplified
Chinese, the site's default. Serious and critical violations fail the test with the rule,
its help text and the elements that break it; moderate and minor ones are left to review.

axe-core ships with the tests (the axe-playwright-python package bundles axe.min.js,
MPL-2.0): nothing is fetched at run time. It is injected through Playwright's evaluate,
which the page's Content-Security-Policy does not govern, so the CSP stays as it is.
"""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from cs_handbook.models.accounts import GlobalRole
from cs_handbook.models.qa import Evaluation
from tests import factories
from tests import factories_training as ft
from tests.browser.conftest import browser_login
from tests.factories_documents import make_document
from tests.factories_drill import DrillItemFactory
from tests.factories_qa import conversation_csv, good_conversation, qa_service
from tests.factories_quizzes import make_quiz

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


@pytest.fixture
def site(dbsession, clock):
    """A small department: a new hire on the standard path, a manager, a QA evaluator, an admin."""
    team = factories.TeamFactory(name="客服一组")
    ft.standard_programme()
    ft.documents()
    make_document("handbook/basics/first-contact", title="首问负责制",
                  body="## 要点\n\n首问负责制：第一位接待客户的人负责到底。\n\n"
                       "| 时限 | 要求 |\n|---|---|\n| 60 秒 | 首次响应 |",
                  tags=("制度",))
    li = ft.new_hire(date(2026, 3, 2), team=team, username="li", display_name="李雷")
    manager = factories.AccountFactory(username="boss", display_name="陈经理", roles=[GlobalRole.MANAGER])
    factories.make_team_manager(manager, team)
    factories.AccountFactory(username="qa1", display_name="赵敏", roles=[GlobalRole.QA])
    factories.AccountFactory(username="root", display_name="管理员", roles=[GlobalRole.ADMIN])
    factories.AccountFactory(username="trainer", display_name="王老师", roles=[GlobalRole.TRAINER])
    ft.service(dbsession, clock).enrol(li)
    DrillItemFactory(prompt="首次响应时限", explanation="首次响应时限：60秒", source_title="响应与标准话术")
    make_quiz(dbsession, time_limit_minutes=15, attempts_allowed=3)
    service = qa_service(dbsession)
    service.import_file(conversation_csv(good_conversation("li", "rude-1", polite=False)), "day.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    dbsession.commit()
    evaluation_id = dbsession.query(Evaluation.id).scalar()
    # The app writes next; an open read transaction would hold SQLite's lock.
    dbsession.rollback()
    return {"evaluation": evaluation_id}


def _open(path):
    def reach(page, live_server, site):
        page.goto(live_server(path.format(**site)))
    return reach


def _quiz_attempt(page, live_server, site):
    page.goto(live_server("/quizzes/"))
    with page.expect_navigation():
        page.click("table.quiz-list button[type=submit]")
    assert "/quizzes/attempts/" in page.url


def _quiz_review(page, live_server, site):
    _quiz_attempt(page, live_server, site)
    page.check("fieldset.question input[type=radio] >> nth=0")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#quiz-finish")
    assert page.url.endswith("/review")


def _admin_form_with_errors(page, live_server, site):
    page.goto(live_server("/admin/accounts/new"))
    page.fill("input[name=username]", "坏 名字!")
    page.fill("input[name=display_name]", "新同事")
    page.fill("input[name=password]", "short")
    page.fill("input[name=password-confirm]", "different")
    with page.expect_navigation():
        page.click("form.deform button[type=submit]")
    assert page.locator(".invalid-feedback").count() >= 1


PAGES = [
    ("home", "li", _open("/")),
    ("handbook-page", "li", _open("/handbook/read/handbook/basics/first-contact")),
    ("search-results", "li", _open("/handbook/search?q=首问")),
    ("my-onboarding", "li", _open("/training/")),
    ("quiz-attempt", "li", _quiz_attempt),
    ("quiz-review", "li", _quiz_review),
    ("drill", "li", _open("/drill/")),
    ("qa-evaluation", "qa1", _open("/qa/evaluations/{evaluation}")),
    ("team-dashboard", "boss", _open("/reports/")),
    # Sequences of plain fields and date-time fields: inputs deform draws without a <label>.
    ("quiz-builder", "trainer", _open("/quizzes/bank/quiz?slug=day-one")),
    ("admin-form-with-errors", "root", _admin_form_with_errors),
]


def _report(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = node.get("failureSummary", "").splitlines()[-1:]
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("name, username, reach", PAGES, ids=[name for name, *_ in PAGES])
def test_no_serious_accessibility_violations(page, live_server, site, name, username, reach):
    browser_login(page, live_server, username)
    reach(page, live_server, site)
    assert page.locator("main h1").count() == 1, f"{name}: a page has one main heading"
    results = AXE.run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"{name} ({page.url}):\n{_report(serious)}"


def test_the_check_finds_a_violation_when_there_is_one(page, live_server, site):
    """The gate can fail: an unlabelled field and low-contrast text put into a real page are reported."""
    browser_login(page, live_server, "li")
    page.goto(live_server("/"))
    page.evaluate("""() => {
        const main = document.querySelector('main');
        const input = document.createElement('input');
        input.type = 'text';
        main.appendChild(input);
        const faint = document.createElement('p');
        faint.textContent = '看不清的字';
        faint.style.color = '#c5ccd3';
        main.appendChild(faint);
    }""")
    found = {v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in FAILING_IMPACTS}
    assert {"label", "color-contrast"} <= found
