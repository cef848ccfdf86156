"""Time zones in one place: a person's (their team's, else the site's) and the site's.

Times are stored in UTC. Pages show them, and a person's day (drill, onboarding
deadlines, reports) begins, in the person's zone: their team's, or the site's
for people without a team. The site's zone is a site setting the admin changes
on the site settings page; the default declared here is the only place the
department's own zone is written.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, select

from .models.accounts import Team
from .models.settings import SiteSetting
from .services.site_settings import DEFAULTS, declare

SITE_TIMEZONE_KEY = "site.timezone"
DEFAULT_SITE_ZONE = "Asia/Shanghai"
declare(SITE_TIMEZONE_KEY, DEFAULT_SITE_ZONE)


def valid_zone(name) -> ZoneInfo | None:
    """`name` as a zone, or None when it is not one."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def site_zone_name(dbsession) -> str:
    """The site's zone as set by the admin (the declared default until then, or if it is not a zone)."""
    row = dbsession.get(SiteSetting, SITE_TIMEZONE_KEY)
    return _site_zone_name_from(row.value if row is not None else None)


def _site_zone_name_from(stored) -> str:
    name = stored if stored is not None else DEFAULTS[SITE_TIMEZONE_KEY]
    return name if valid_zone(name) is not None else DEFAULT_SITE_ZONE


# A signed-in reader's team zone and the site's in one statement (every page showing a time asks).
_TEAM_AND_SITE_ZONE = select(
    select(Team.timezone).where(Team.id == bindparam("team_id")).scalar_subquery(),
    select(SiteSetting.value).where(SiteSetting.key == SITE_TIMEZONE_KEY).scalar_subquery())


def site_zone(dbsession) -> ZoneInfo:
    return ZoneInfo(site_zone_name(dbsession))


def zone_name_of(dbsession, account) -> str:
    """The zone of `account` (None: nobody signed in): their team's, else the site's."""
    team = account.team if account is not None else None
    if team is not None and valid_zone(team.timezone) is not None:
        return team.timezone
    return site_zone_name(dbsession)


def zone_of(dbsession, account) -> ZoneInfo:
    return ZoneInfo(zone_name_of(dbsession, account))


def reader_zone(request) -> ZoneInfo:
    """The zone of the person reading the page (the site's for someone not signed in)."""
    # Once per request: a page showing many times asks for each of them.
    zone = request.__dict__.get("_reader_zone")
    if zone is None:
        identity = getattr(request, "identity", None)
        team_id = identity.team_id if identity is not None else None
        team_zone, site_value = request.dbsession.execute(_TEAM_AND_SITE_ZONE, {"team_id": team_id}).one()
        name = team_zone if valid_zone(team_zone) is not None else _site_zone_name_from(site_value)
        zone = request.__dict__["_reader_zone"] = ZoneInfo(name)
    return zone


def zoned_time(request):
    """`zoned_time(at)` for templates: an aware UTC time in the reader's zone, the zone named
    ("2026-03-02 17:00 (Asia/Shanghai)"); the zone is looked up on first use only."""
    zone: list[ZoneInfo] = []

    def show(at: datetime | None) -> str:
        if at is None:
            return ""
        if not zone:
            zone.append(reader_zone(request))
        return f"{at.astimezone(zone[0]).strftime('%Y-%m-%d %H:%M')} ({zone[0].key})"

    return show
