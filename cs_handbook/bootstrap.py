"""First run of a development site: set itself up when its database is new.

Switched on by `cs_handbook.auto_init` (development.ini only): production
sites are migrated by `cs-handbook init` or `cs-handbook db upgrade`
before their processes start, never by a process at start-up.
"""

import plaster
from pyramid.events import ApplicationCreated
from pyramid.scripting import prepare
from sqlalchemy import select

from .models.accounts import Account
from .models.settings import SiteSetting
from .services.site_settings import declare

# Written at the end of a first set-up (`initialise`), demo data or not: a later start finds
# it and leaves the site alone. (Accounts are no sign: without demo data there may be none.)
SET_UP_KEY = "site.set_up_at"
declare(SET_UP_KEY, None)
# Where development.ini's waitress listens: printed when no ini file names an address.
DEFAULT_LISTEN = "127.0.0.1:6543"


def _first_run(event):
    registry = event.app.registry
    # Imported only on a development site's first run: Alembic is not needed
    # to serve requests.
    from . import migrations
    from .scripts.initialize import initialise, print_demo_signins
    from .scripts.progress import Progress

    progress = Progress()
    engine = registry["dbengine"]
    demo = registry.settings["cs_handbook.demo_data"]
    if not migrations.is_at_head(engine) or not _is_set_up(registry):
        env = prepare(registry=registry)
        try:
            initialise(env, progress, demo=demo)
        finally:
            env["closer"]()
    if demo:
        print_demo_signins(progress, registry)


def site_url(config_file) -> str:
    """The address waitress listens on, from the ini file's [server:main] (the default otherwise)."""
    listen = None
    if config_file:
        try:
            listen = plaster.get_settings(config_file, "server:main").get("listen")
        except (plaster.PlasterError, OSError):
            listen = None
    # `listen` may name several addresses: the first is the one to print, and a
    # wildcard host is reached on this machine through the loopback address.
    host, _, port = (listen or DEFAULT_LISTEN).split()[0].rpartition(":")
    if host in ("*", "0.0.0.0", "[::]", ""):  # noqa: S104 - read from the ini, not bound here
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _is_set_up(registry) -> bool:
    with registry["dbsession_factory"]() as session:
        if session.get(SiteSetting, SET_UP_KEY) is not None:
            return True
        # A site set up before the mark was written has its accounts (it was made with demo data).
        return session.scalar(select(Account.id).limit(1)) is not None


def includeme(config):
    if config.get_settings()["cs_handbook.auto_init"]:
        config.add_subscriber(_first_run, ApplicationCreated)
