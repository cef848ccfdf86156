"""SiteSettingsService: run-time settings kept as data, with their defaults in code.

Areas declare their settings (key, default) with `declare()`; admins and
managers change them on the settings page without a deployment.
"""

from typing import Any

from ..clock import Clock
from ..models.settings import SiteSetting

DEFAULTS: dict[str, Any] = {}


def declare(key: str, default: Any) -> None:
    """Declare a setting and its default; called at import time by each area."""
    DEFAULTS[key] = default


class SiteSettingsService:
    def __init__(self, dbsession, clock: Clock):
        self.dbsession = dbsession
        self.clock = clock

    def get(self, key: str) -> Any:
        row = self.dbsession.get(SiteSetting, key)
        if row is not None:
            return row.value
        return DEFAULTS[key]

    def set(self, key: str, value: Any, actor=None) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        row = self.dbsession.get(SiteSetting, key)
        if row is None:
            row = SiteSetting(key=key, value=value, updated_at=self.clock.now())
            self.dbsession.add(row)
        row.value = value
        row.updated_at = self.clock.now()
        row.updated_by_id = actor.id if actor is not None else None


def factory(context, request):
    return SiteSettingsService(request.dbsession, request.find_service(Clock))


def includeme(config):
    config.register_service_factory(factory, SiteSettingsService)
