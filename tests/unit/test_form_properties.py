"""Property tests: whatever is typed into the sign-in and account forms, the answer
is a page (a redirect, or a 4xx with a message), never a 500.

They drive the real app (WebTest), so each runs on SQLite and PostgreSQL.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import login
from tests.factories import AccountFactory

pytestmark = pytest.mark.isolated_app

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from(["\x7f", "\u200b", "\ufeff", "\u202e"])
ANY = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be sent as UTF-8
LONG = st.builds(lambda ch, n: ch * n, ANY | CJK, st.integers(min_value=200, max_value=60_000))
TEXT = st.one_of(st.text(ANY, max_size=80), st.text(CJK, max_size=80), st.text(CONTROL | ANY, max_size=40), LONG)

PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_addresses = itertools.count(1)


def _has_message(response) -> bool:
    return bool(response.html.select(".invalid-feedback, .error, .help-block, [role=alert]"))


def _check(response):
    assert response.status_int != 500
    assert response.status_int in (303, 400, 429) or 400 <= response.status_int < 500, response.status
    if response.status_int >= 400:
        assert _has_message(response), response.text[-1500:]


@PROPERTY_SETTINGS
@given(username=TEXT, password=TEXT)
def test_sign_in_form_never_500(testapp, dbsession, username, password):
    # A fresh address each time, so the rate limit is not what answers.
    testapp.extra_environ["REMOTE_ADDR"] = f"10.7.{next(_addresses) % 250}.{next(_addresses) % 250}"
    testapp.reset()
    form = testapp.get("/signin").forms["deform"]
    form["username"] = username
    form["password"] = password
    _check(form.submit("submit", expect_errors=True))


def _admin_signed_in(testapp, dbsession) -> int:
    """Sign the admin in once per test (examples share the fixtures); their id."""
    from cs_handbook.models.accounts import Account

    boss = dbsession.query(Account).filter_by(username="boss").one_or_none() or AccountFactory(
        username="boss", roles=["admin"])
    if testapp.get("/signin", expect_errors=True).status_int != 303:
        login(testapp, "boss")
    return boss.id


@PROPERTY_SETTINGS
@given(username=TEXT, display_name=TEXT, email=TEXT, start_date=TEXT, password=TEXT)
def test_account_form_never_500(testapp, dbsession, username, display_name, email, start_date, password):
    _admin_signed_in(testapp, dbsession)
    form = testapp.get("/admin/accounts/new").forms["account"]
    form["username"], form["display_name"], form["email"] = username, display_name, email or ""
    form["start_date"] = start_date
    form["password"] = form["password-confirm"] = password
    _check(form.submit("submit", expect_errors=True))


@PROPERTY_SETTINGS
@given(display_name=TEXT, email=TEXT, position=st.text(max_size=12), mentor=st.text(max_size=12))
def test_account_edit_never_500(testapp, dbsession, display_name, email, position, mentor):
    boss_id = _admin_signed_in(testapp, dbsession)
    page = testapp.get(f"/admin/accounts/{boss_id}")
    form = page.forms["account"]
    # Posted by hand: a select can be sent any value, not only its options.
    fields = [(k, v) for k, v in form.submit_fields() if k not in ("display_name", "email", "position_id",
                                                                   "mentor_id")]
    fields += [("display_name", display_name), ("email", email), ("position_id", position), ("mentor_id", mentor),
               ("submit", "submit")]
    _check(testapp.post(page.request.path, fields, expect_errors=True))
