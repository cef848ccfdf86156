"""Settings: defaults, environment overrides and type coercion in one place.

Everything else reads `registry.settings` and may rely on the keys below
having their proper Python types.
"""

import os
import secrets

from pyramid.settings import asbool

# Environment variables win over the ini file so that one production.ini can
# serve several processes or machines configured by their environment.
ENVIRONMENT_OVERRIDES = {
    "CS_HANDBOOK_DATABASE_URL": "sqlalchemy.url",
    "CS_HANDBOOK_SECRET": "cs_handbook.secret",
}

DEFAULTS = {
    "cs_handbook.secure_cookies": False,
    "cs_handbook.auto_init": False,
    "cs_handbook.demo_data": False,
    "cs_handbook.max_body_bytes": 4 * 1024 * 1024,
    "cs_handbook.session_max_age": 12 * 3600,
    "cs_handbook.login_failure_limit": 10,
    "cs_handbook.login_failure_window": 300,
    "cs_handbook.default_locale": "zh_CN",
    "cs_handbook.show_tracebacks": False,
}

BOOLEAN_KEYS = {
    "cs_handbook.secure_cookies",
    "cs_handbook.auto_init",
    "cs_handbook.demo_data",
    "cs_handbook.show_tracebacks",
}
INTEGER_KEYS = {
    "cs_handbook.max_body_bytes",
    "cs_handbook.session_max_age",
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
        # A random secret keeps a forgetful developer safe, at the price of
        # signing everyone out on restart; production.ini must set one.
        settings["cs_handbook.secret"] = secrets.token_hex(32)
    settings.setdefault("pyramid.default_locale_name", settings["cs_handbook.default_locale"])
    return settings


def includeme(config):
    normalise_settings(config.get_settings())
