"""Settings: defaults, environment overrides and type coercion in one place.

Everything else reads `registry.settings` and may rely on the keys below
having their proper Python types.
"""

import ipaddress
import logging
import os
import secrets

from pyramid.exceptions import ConfigurationError
from pyramid.settings import asbool, aslist

log = logging.getLogger(__name__)

# Environment variables win over the ini file so that one production.ini can
# serve several processes or machines configured by their environment.
ENVIRONMENT_OVERRIDES = {
    "CS_HANDBOOK_DATABASE_URL": "sqlalchemy.url",
    "CS_HANDBOOK_SECRET": "cs_handbook.secret",
    "CS_HANDBOOK_TRUSTED_PROXIES": "cs_handbook.trusted_proxies",
}

DEFAULTS = {
    "cs_handbook.secure_cookies": False,
    "cs_handbook.auto_init": False,
    "cs_handbook.demo_data": False,
    "cs_handbook.max_body_bytes": 4 * 1024 * 1024,
    # A login session ends this long after sign-in, or after this long without a request.
    "cs_handbook.session_max_age": 12 * 3600,
    "cs_handbook.session_idle_timeout": 2 * 3600,
    "cs_handbook.login_failure_limit": 10,
    "cs_handbook.login_failure_window": 300,
    "cs_handbook.default_locale": "zh_CN",
    "cs_handbook.show_tracebacks": False,
    # production.ini: refuse to start with no secret rather than pick one.
    "cs_handbook.require_secret": False,
    # Addresses or networks of the reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed (tweens.trust_forwarded_headers).
    "cs_handbook.trusted_proxies": "",
}

BOOLEAN_KEYS = {
    "cs_handbook.secure_cookies",
    "cs_handbook.auto_init",
    "cs_handbook.demo_data",
    "cs_handbook.show_tracebacks",
    "cs_handbook.require_secret",
}
INTEGER_KEYS = {
    "cs_handbook.max_body_bytes",
    "cs_handbook.session_max_age",
    "cs_handbook.session_idle_timeout",
    "cs_handbook.login_failure_limit",
    "cs_handbook.login_failure_window",
}


def normalise_settings(settings: dict) -> dict:
    """Fill defaults, apply environment overrides and coerce types in place."""
    for env_name, key in ENVIRONMENT_OVERRIDES.items():
        if os.environ.get(env_name):
            settings[key] = os.environ[env_name]
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    for key in BOOLEAN_KEYS:
        settings[key] = asbool(settings[key])
    for key in INTEGER_KEYS:
        settings[key] = int(settings[key])
    if not settings.get("cs_handbook.secret"):
        if settings["cs_handbook.require_secret"]:
            # Each process would pick its own: cookies signed by one would be
            # refused by the others, and every restart would sign everyone out.
            raise ConfigurationError(
                "CS_HANDBOOK_SECRET is not set. A production site needs one secret, the same for every process: "
                "export CS_HANDBOOK_SECRET=$(python -c 'import secrets; print(secrets.token_hex(32))') "
                "(or set cs_handbook.secret in the ini file).")
        # A random secret keeps a forgetful developer safe, at the price of
        # signing everyone out on restart.
        log.warning("no cs_handbook.secret: using a random one; sessions end when the process stops")
        settings["cs_handbook.secret"] = secrets.token_hex(32)
    settings["cs_handbook.trusted_proxies"] = parse_networks(settings["cs_handbook.trusted_proxies"])
    settings.setdefault("pyramid.default_locale_name", settings["cs_handbook.default_locale"])
    return settings


def parse_networks(value) -> tuple:
    """Addresses and networks ("127.0.0.1 10.0.2.0/24 ::1"), or an already parsed tuple."""
    if isinstance(value, tuple):
        return value
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in aslist(value.replace(",", " ")))
    except ValueError as error:
        raise ConfigurationError(f"cs_handbook.trusted_proxies: {error}") from None


def includeme(config):
    normalise_settings(config.get_settings())
