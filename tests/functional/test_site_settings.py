"""The site settings page (the site's time zone, the quizzes' grace) and the time zone everyone without a
team lives in: the site's, read in one place (cs_handbook/zones.py)."""

from datetime import date

from pyramid.interfaces import IRoutesMapper
from sqlalchemy import select

from cs_handbook.models.audit import AuditEvent
from cs_handbook.models.settings import SiteSetting
from cs_handbook.services.quizzes import SUBMIT_GRACE_KEY
from cs_handbook.services.site_settings import DEFAULTS, SiteSettingsService
from cs_handbook.views.admin.settings import EDITED_ELSEWHERE, EDITED_HERE
from cs_handbook.zones import DEFAULT_SITE_ZONE, SITE_TIMEZONE_KEY, site_zone_name, zone_name_of
from tests import factories
from tests import factories_training as ft
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory


def _settings(dbsession) -> dict:
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return {row.key: row.value for row in dbsession.scalars(select(SiteSetting))}


def _changes(dbsession) -> list:
    dbsession.commit()
    return [(e.actor_name, e.target_id, e.detail) for e in dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "setting.changed").order_by(AuditEvent.id))]


def test_the_admin_changes_the_sites_zone_and_the_quiz_grace_from_the_navigation(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    page = testapp.get("/").click(description="站点设置")
    form = page.forms["site-settings"]
    assert (form["timezone"].value, form["submit_grace_seconds"].value) == ("Asia/Shanghai", "30")
    assert "Europe/London" in [value for value, _sel, _text in form["timezone"].options]
    form["timezone"] = "Europe/London"
    form["submit_grace_seconds"] = "60"
    page = form.submit("submit", status=303).follow()
    assert "站点设置已保存。" in page.text
    assert page.forms["site-settings"]["timezone"].value == "Europe/London"
    assert {k: v for k, v in _settings(dbsession).items() if k in (SITE_TIMEZONE_KEY, SUBMIT_GRACE_KEY)} == {
        SITE_TIMEZONE_KEY: "Europe/London", SUBMIT_GRACE_KEY: 60}
    assert _changes(dbsession) == [
        ("boss", SITE_TIMEZONE_KEY, {"key": SITE_TIMEZONE_KEY, "value": "Europe/London", "before": "Asia/Shanghai"}),
        ("boss", SUBMIT_GRACE_KEY, {"key": SUBMIT_GRACE_KEY, "value": 60, "before": 30})]
    # The audit log names the settings, and now shows its times in the new zone.
    log = testapp.get("/admin/audit", {"action": "setting.changed"})
    details = " ".join(log.html.select_one("table.audit tbody").get_text(" ").split())
    assert "站点时区" in details and "Asia/Shanghai → Europe/London" in details and "30 → 60" in details
    assert SITE_TIMEZONE_KEY not in details and "Europe/London（UTC+00:00）" in log.text
    # Saving what is already there changes nothing and records nothing.
    page = page.forms["site-settings"].submit("submit", status=303).follow()
    assert "没有改动。" in page.text and len(_changes(dbsession)) == 2
    # A new team starts in the site's zone.
    assert testapp.get("/admin/teams").forms["team"]["timezone"].value == "Europe/London"


def test_bad_settings_are_refused_in_the_readers_language_and_nothing_is_saved(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    AccountFactory(username="boss.en", roles=["admin"], language="en")
    login(testapp, "boss")
    for timezone, grace, messages in (
            ("Mars/Olympus", "30", ["未知的时区。"]),
            ("Europe/London", "²", ["不是数字"]),
            ("Europe/London", "-1", ["请输入 0 到 300 之间的数字。"]),
            ("Europe/London", "301", ["请输入 0 到 300 之间的数字。"]),
            ("Europe/London", "99999999999999999999", ["请输入 0 到 300 之间的数字。"]),
            ("Asia/Shanghai\x00", "", ["未知的时区。", "必需"])):
        form = testapp.get("/admin/settings").forms["site-settings"]
        form["timezone"].force_value(timezone)
        form["submit_grace_seconds"] = grace
        response = form.submit("submit", status=400)
        assert all(message in response.text for message in messages), (timezone, grace)
    testapp.reset()
    login(testapp, "boss.en")
    form = testapp.get("/admin/settings").forms["site-settings"]
    form["timezone"].force_value("Mars/Olympus")
    form["submit_grace_seconds"] = "301"
    response = form.submit("submit", status=400)
    assert "Unknown time zone." in response.text and "Enter a number from 0 to 300." in response.text
    assert not set(_settings(dbsession)) & {SITE_TIMEZONE_KEY, SUBMIT_GRACE_KEY} and _changes(dbsession) == []


def test_only_the_admin_has_the_page(testapp, dbsession):
    AccountFactory(username="manager", roles=["manager", "trainer", "qa"])
    login(testapp, "manager")
    assert "/admin/settings" not in testapp.get("/").text
    testapp.get("/admin/settings", status=403)


def test_every_declared_setting_is_edited_here_or_on_a_page_of_its_own(app):
    assert set(DEFAULTS) == set(EDITED_HERE.values()) | set(EDITED_ELSEWHERE)
    routes = {route.name for route in app.registry.getUtility(IRoutesMapper).get_routes()}
    assert {route for route in EDITED_ELSEWHERE.values() if route} <= routes


def test_a_persons_zone_is_their_teams_else_the_sites(dbsession, clock):
    far_west = TeamFactory(timezone="Asia/Urumqi")
    in_team, alone = AccountFactory(team=far_west), AccountFactory()
    assert (zone_name_of(dbsession, in_team), zone_name_of(dbsession, alone)) == ("Asia/Urumqi", DEFAULT_SITE_ZONE)
    settings = SiteSettingsService(dbsession, clock)
    settings.set(SITE_TIMEZONE_KEY, "Europe/London")
    assert (zone_name_of(dbsession, in_team), zone_name_of(dbsession, alone)) == ("Asia/Urumqi", "Europe/London")
    assert zone_name_of(dbsession, None) == "Europe/London"  # nobody signed in
    settings.set(SITE_TIMEZONE_KEY, "Not/A_Zone")  # never through the page; the declared default then
    assert site_zone_name(dbsession) == DEFAULT_SITE_ZONE


def test_the_drill_day_of_someone_without_a_team_follows_the_site_zone(dbsession, clock):
    from tests.factories_drill import service

    alone = AccountFactory()
    clock.set(clock.now().replace(hour=17))  # 17:00 UTC: already the 3rd in Shanghai, still the 2nd in London
    drill = service(dbsession, clock)
    assert drill.today(alone) == date(2026, 3, 3)
    SiteSettingsService(dbsession, clock).set(SITE_TIMEZONE_KEY, "Europe/London")
    assert drill.today(alone) == date(2026, 3, 2)


def test_sign_off_requests_are_shown_in_the_readers_zone_named(testapp, dbsession, clock):
    """Requested at 09:00 UTC: the mentor reads it in their own zone, which the page names."""
    _path, (_day1, shadow, _day2) = ft.standard_programme()
    team = TeamFactory(timezone="Asia/Urumqi")
    person = ft.new_hire(date(2026, 3, 2), username="nh", team=team)
    mentor = AccountFactory(username="mentor")  # no team: the site's zone
    factories.make_mentor(mentor, person)
    factories.make_team_manager(AccountFactory(username="boss", roles=["manager"], team=team), team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    svc.request_signoff(person, shadow.items[0].id)
    dbsession.commit()
    login(testapp, "mentor")
    assert "2026-03-02 17:00 (Asia/Shanghai)" in testapp.get("/training/mentees").text
    SiteSettingsService(dbsession, clock).set(SITE_TIMEZONE_KEY, "Europe/London")
    dbsession.commit()
    assert "2026-03-02 09:00 (Europe/London)" in testapp.get("/training/mentees").text
    # Their team's manager reads it in the team's zone.
    testapp.reset()
    login(testapp, "boss")
    assert "2026-03-02 15:00 (Asia/Urumqi)" in testapp.get("/training/team").text
