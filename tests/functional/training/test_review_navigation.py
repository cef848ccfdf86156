"""Reviewers reach the course and path review queue from the navigation, with the number waiting."""

from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login


def _nav_entry(page, href):
    return next((a for a in page.html.select("nav a") if a.get("href", "").endswith(href)), None)


def test_the_review_queue_is_in_the_navigation_of_reviewers_with_a_count(testapp, dbsession, clock):
    ft.standard_programme()
    ft.documents()
    factories.AccountFactory(username="teacher", roles=["trainer"])
    factories.AccountFactory(username="rev", roles=["reviewer"])
    factories.AccountFactory(username="rev.en", roles=["reviewer"], language="en")
    dbsession.commit()
    login(testapp, "rev")
    entry = _nav_entry(testapp.get("/"), "/training/review")
    assert entry is not None and entry.get_text(strip=True) == "课程审核"  # nothing waits: no badge

    testapp.reset()
    login(testapp, "teacher")
    assert _nav_entry(testapp.get("/"), "/training/review") is None  # authors do not review
    for slug in ("day1", "shadow1"):
        form = testapp.get(f"/training/courses/{slug}").forms["course"]
        form.set("title", "修订", index=1)
        form.submit("submit", status=303)
        testapp.post(f"/training/courses/{slug}/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                     status=303)

    for username, label in (("rev", "课程审核"), ("rev.en", "Course review")):
        testapp.reset()
        login(testapp, username)
        entry = _nav_entry(testapp.get("/"), "/training/review")
        assert entry.select_one(".badge").get_text(strip=True) == "2"
        assert entry.get_text(" ", strip=True) == f"{label} 2"
        assert "/training/courses/day1/review" in testapp.get(entry["href"]).text
