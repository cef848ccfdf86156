"""The autosave's direct path (services/quizzes_autosave.py): what it answers, and what it passes on.

A save wholly stored is answered before the router; every other save is
passed on unchanged to the full path, whose answers the other autosave tests
check. Here: which path took each request, that the direct path's answer is
the full path's, and that a save it passes on was not half-written.
"""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from cs_handbook.models.quizzes import AttemptQuestion
from cs_handbook.services import quizzes_autosave
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz

from .test_take_pages import _start, _token

# The tests add accounts and read the database between requests.
pytestmark = pytest.mark.isolated_app


class Paths:
    """The direct path's counts, read as changes since the last `taken()`."""

    def __init__(self, registry):
        self.counts = registry[quizzes_autosave.REGISTRY_KEY]
        self.before = (self.counts.direct, self.counts.passed_on)

    def taken(self) -> tuple[int, int]:
        now = (self.counts.direct, self.counts.passed_on)
        change = (now[0] - self.before[0], now[1] - self.before[1])
        self.before = now
        return change


def _running(testapp, dbsession, **quiz):
    """The save URL, headers and page of a running attempt of two questions, signed in as its owner."""
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], **quiz)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    return page.html.find(id="quiz-form")["data-save-url"], {"X-CSRF-Token": _token(page)}, page


@pytest.fixture
def attempt(testapp, dbsession, clock):
    return _running(testapp, dbsession, time_limit_minutes=10)


def _stored(dbsession) -> dict:
    dbsession.rollback()
    return {q.position: (q.answer, q.seq) for q in dbsession.scalars(select(AttemptQuestion))}


def test_a_save_wholly_stored_is_answered_by_the_direct_path_like_the_full_one(testapp, dbsession, registry,
                                                                               attempt):
    url, headers, _page = attempt
    paths = Paths(registry)
    reply = testapp.post_json(url, {"seq": 3, "answers": {"1": 1, "2": False}}, headers=headers)
    assert paths.taken() == (1, 0)
    assert reply.json == {"saved": {"1": True, "2": True}, "seq": 3}
    assert reply.content_type == "application/json"
    # The headers of any signed-in reply: the security tween sets them on both paths.
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert _stored(dbsession) == {1: (1, 3), 2: (False, 3)}


def test_every_refused_save_is_passed_on_and_stores_nothing(testapp, dbsession, registry, clock, attempt):
    url, headers, _page = attempt
    paths = Paths(registry)
    testapp.post_json(url, {"seq": 5, "answers": {"1": 1}}, headers=headers)
    assert paths.taken() == (1, 0)
    refused = [
        ({"seq": 6, "answers": {"1": 0}}, {}, 400),  # no CSRF token
        ({"seq": 6, "answers": {"1": 0}}, {"X-CSRF-Token": "forged"}, 400),
        ({"seq": 6, "answers": {"1": [0]}}, headers, 400),  # wrong shape
        ({"seq": 6, "answers": {"9": 0}}, headers, 400),  # not in the attempt
        ({"seq": 6, "answers": {"1": 0, "2": "yes"}}, headers, 400),  # one bad answer refuses the whole save
        ({"seq": 0, "answers": {"1": 0}}, headers, 400),
        (["not", "an", "object"], headers, 400),
    ]
    for body, sent_headers, status in refused:
        testapp.post_json(url, body, headers=sent_headers, status=status)
        assert paths.taken() == (0, 1), body
    # Older than the stored save: the full path answers with what is stored.
    stale = testapp.post_json(url, {"seq": 4, "answers": {"1": 0, "2": True}}, headers=headers).json
    assert paths.taken() == (0, 1)
    assert stale["saved"] == {"1": False, "2": True} and stale["current"] == {"1": 1}
    clock.advance(minutes=10, seconds=1)
    testapp.post_json(url, {"seq": 7, "answers": {"2": False}}, headers=headers, status=409)
    assert paths.taken() == (0, 1)
    # Only the stale save's stored answer (question 2, through the full path) was written.
    assert _stored(dbsession) == {1: (1, 5), 2: (True, 4)}


def test_someone_elses_attempt_and_a_signed_out_browser_are_passed_on(testapp, dbsession, registry, attempt):
    url, headers, page = attempt
    paths = Paths(registry)
    testapp.post("/signout", {"csrf_token": _token(page)}, status=303)
    signed_out = testapp.post_json(url, {"seq": 1, "answers": {"1": 0}}, headers=headers, status=303)
    assert "/signin" in signed_out.location
    dbsession.rollback()  # a write needs a snapshot newer than the requests' writes (SQLite's WAL)
    AccountFactory(username="intruder")
    login(testapp, "intruder")
    token = testapp.get("/quizzes/").forms[0]["csrf_token"].value
    testapp.post_json(url, {"seq": 1, "answers": {"1": 0}}, headers={"X-CSRF-Token": token}, status=403)
    assert paths.taken() == (0, 2)
    assert _stored(dbsession) == {1: (None, 0), 2: (None, 0)}


def test_a_database_failure_on_the_direct_path_is_rolled_back_and_the_full_path_saves(
        testapp, dbsession, registry, monkeypatch, attempt):
    url, headers, _page = attempt
    paths = Paths(registry)
    real = quizzes_autosave.store_answers

    def written_then_failed(*args, **kwargs):
        real(*args, **kwargs)
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(quizzes_autosave, "store_answers", written_then_failed)
    # Had the direct path's write survived, the full path would find the save already
    # stored and answer `saved: false`.
    reply = testapp.post_json(url, {"seq": 2, "answers": {"1": 1}}, headers=headers)
    assert reply.json["saved"] == {"1": True}
    assert paths.taken() == (0, 1)
    assert _stored(dbsession)[1] == (1, 2)


def test_the_direct_path_renews_the_idle_stamp_in_the_cookie(testapp, dbsession, registry, clock):
    url, headers, _page = _running(testapp, dbsession)
    paths = Paths(registry)
    idle_timeout = registry.settings["cs_handbook.session_idle_timeout"]
    # Within a tenth of the idle timeout the cookie is not sent again ...
    assert "Set-Cookie" not in testapp.post_json(url, {"seq": 1, "answers": {"1": 0}}, headers=headers).headers
    # ... after it, the renewed stamp is, so a person answering for a long time stays signed in.
    clock.advance(seconds=idle_timeout // 10 + 1)
    renewed = testapp.post_json(url, {"seq": 2, "answers": {"1": 1}}, headers=headers)
    assert renewed.headers["Set-Cookie"].startswith("cs_session=")
    assert paths.taken() == (2, 0)
