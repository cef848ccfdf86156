"""The one place the application asks what time it is.

Services take a clock instead of calling `datetime.now()` so that tests can
fix time (quiz timers, overdue sweeps, the drill scheduler).
"""

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that only moves when told to; used by tests and simulations."""

    def __init__(self, now: datetime):
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **kwargs) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now


def request_now(request) -> datetime:
    """The registered clock's time (tests fix it), without building the request's service
    container: the paths before the router (the page cache, the autosave) and the session
    check they share never need one otherwise."""
    return request.find_service_factory(Clock)(None, request).now()
