"""Deployment settings: the secret production insists on, and the proxies whose X-Forwarded-* are believed."""

from pathlib import Path

import pytest
import webtest
from pyramid.exceptions import ConfigurationError
from pyramid.paster import get_appsettings
from sqlalchemy import select

from cs_handbook.models.audit import AuditEvent
from cs_handbook.settings import normalise_settings, parse_networks
from tests.conftest import login
from tests.factories import AccountFactory
from tests.functional.isolation import _IsolatedApp, fresh

pytestmark = pytest.mark.isolated_app

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.5"


def _ini_settings(name: str) -> dict:
    return dict(get_appsettings(str(ROOT / name)))


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("CS_HANDBOOK_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match="CS_HANDBOOK_SECRET is not set"):
        normalise_settings(_ini_settings("production.ini"))
    monkeypatch.setenv("CS_HANDBOOK_SECRET", "s" * 64)
    assert normalise_settings(_ini_settings("production.ini"))["cs_handbook.secret"] == "s" * 64


def test_development_and_testing_start_without_one(monkeypatch):
    monkeypatch.delenv("CS_HANDBOOK_SECRET", raising=False)
    for name in ("development.ini", "testing.ini"):
        settings = _ini_settings(name)
        settings.pop("cs_handbook.secret")
        first = normalise_settings(dict(settings))["cs_handbook.secret"]
        # A random one per start, long enough to sign with.
        assert len(first) == 64 and first != normalise_settings(dict(settings))["cs_handbook.secret"]


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CS_HANDBOOK_SECRET", "s" * 64)
    monkeypatch.setenv("CS_HANDBOOK_TRUSTED_PROXIES", "10.0.0.5, 10.0.1.0/24 fd00::1")
    proxies = normalise_settings(_ini_settings("production.ini"))["cs_handbook.trusted_proxies"]
    assert [str(n) for n in proxies] == ["10.0.0.5/32", "10.0.1.0/24", "fd00::1/128"]
    with pytest.raises(ConfigurationError, match="trusted_proxies"):
        parse_networks("10.0.0.300")


@pytest.fixture
def behind_proxy(app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cs_handbook.trusted_proxies", parse_networks(f"{PROXY} 10.0.9.0/24"))

    def client(peer: str) -> webtest.TestApp:
        return webtest.TestApp(_IsolatedApp(app), extra_environ={"REMOTE_ADDR": peer, "HTTP_HOST": "localhost"})

    return client


def _failed_sign_in_address(testapp, dbsession, headers) -> str:
    page = testapp.get("/signin", headers=headers)
    form = page.forms["deform"]
    form["username"], form["password"] = "wang", "wrong-wrong-wrong"
    form.submit("submit", headers=headers, status=400)
    fresh(dbsession)
    return dbsession.scalars(select(AuditEvent.ip).where(AuditEvent.action == "signin.failed")
                             .order_by(AuditEvent.id.desc())).first()


@pytest.mark.parametrize("peer, forwarded_for, seen_as", [
    (PROXY, "203.0.113.9", "203.0.113.9"),
    # A client's own X-Forwarded-For is kept by the proxy, which appends the real address.
    (PROXY, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
    # Two proxies in a row, both trusted.
    (PROXY, "203.0.113.9, 10.0.9.7", "203.0.113.9"),
    # Not from a trusted proxy: the header is the client's invention.
    ("198.51.100.20", "1.2.3.4", "198.51.100.20"),
    (PROXY, "not-an-address", PROXY),
])
def test_the_client_address_is_believed_only_from_trusted_proxies(behind_proxy, dbsession, peer, forwarded_for,
                                                                    seen_as):
    AccountFactory(username="wang")
    address = _failed_sign_in_address(behind_proxy(peer), dbsession, {"X-Forwarded-For": forwarded_for})
    assert address == seen_as


def test_behind_a_remote_proxy_the_rate_limit_counts_each_client(behind_proxy, dbsession):
    AccountFactory(username="wang")
    proxy = behind_proxy(PROXY)
    for n in range(10):
        login_form = proxy.get("/signin", headers={"X-Forwarded-For": "203.0.113.9"}).forms["deform"]
        login_form["username"], login_form["password"] = f"guess{n}", "wrong-wrong-wrong"
        login_form.submit("submit", headers={"X-Forwarded-For": "203.0.113.9"}, status=400)
    page = proxy.get("/signin", headers={"X-Forwarded-For": "203.0.113.9"}).forms["deform"]
    page["username"], page["password"] = "wang", "correct-horse-123"
    page.submit("submit", headers={"X-Forwarded-For": "203.0.113.9"}, status=429)
    # Another person behind the same proxy still signs in.
    proxy.reset()
    page = proxy.get("/signin", headers={"X-Forwarded-For": "203.0.113.10"}).forms["deform"]
    page["username"], page["password"] = "wang", "correct-horse-123"
    page.submit("submit", headers={"X-Forwarded-For": "203.0.113.10"}, status=303)


def test_https_at_the_proxy_is_known_to_the_site(behind_proxy, dbsession):
    AccountFactory(username="wang")
    proxied = behind_proxy(PROXY)
    assert proxied.get("/", headers={"X-Forwarded-Proto": "https"}, status=303).location.startswith(
        "https://localhost/signin")
    spoofed = behind_proxy("198.51.100.20")
    assert spoofed.get("/", headers={"X-Forwarded-Proto": "https"}, status=303).location.startswith(
        "http://localhost/signin")


def test_without_trusted_proxies_x_forwarded_for_is_ignored(testapp, dbsession):
    AccountFactory(username="wang")
    assert _failed_sign_in_address(testapp, dbsession, {"X-Forwarded-For": "1.2.3.4"}) == "127.0.0.1"
    login(testapp, "wang")
