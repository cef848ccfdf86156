"""Dates on quiz pages in the reader's zone, the zone named (times are stored in UTC).

The zone is that of the person's team (`Team.timezone`), else the site's
default; trainers enter a quiz's open and close dates in the same zone.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone_of(request) -> ZoneInfo:
    identity = request.identity
    team = identity.account.team if identity is not None else None
    try:
        return ZoneInfo(team.timezone if team is not None and team.timezone else DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def to_local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An aware UTC time as a naive wall-clock time in `zone` (what a date-time field shows)."""
    return None if value is None else value.astimezone(zone).replace(tzinfo=None)


def from_local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A time entered in `zone` (naive, or aware from the form) as aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def formatter(request, pattern: str = "%Y-%m-%d %H:%M"):
    """`local_time(dt)` for templates: "2026-03-02 17:00 (Asia/Shanghai)"."""
    zone = zone_of(request)

    def local_time(value: datetime | None, with_zone: bool = True) -> str:
        if value is None:
            return ""
        text = value.astimezone(zone).strftime(pattern)
        return f"{text} ({zone.key})" if with_zone else text

    return local_time
