"""Dates on quiz pages in the reader's zone, the zone named (times are stored in UTC).

The zone is the reader's (`zones.reader_zone`: their team's, else the site's);
trainers enter a quiz's open and close dates in the same zone.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ...zones import reader_zone


def zone_of(request) -> ZoneInfo:
    return reader_zone(request)


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
