"""First-time set-up: migrate, load the default content, create accounts.

Used by `cs-handbook init` and by `development.ini`'s automatic first run.
"""

from .. import migrations
from ..bootstrap import SET_UP_KEY
from ..content import DEFAULT_CONTENT_DIRS, ContentReport, content_handlers
from ..demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts, ensure_positions
from ..services.accounts import AccountService
from ..services.site_settings import SiteSettingsService


def migrate(registry, progress) -> None:
    progress.say("Migrating the database to the latest schema …")
    migrations.upgrade(registry.settings["sqlalchemy.url"])


def load_content(request, progress, dirs=None) -> ContentReport:
    """Run every area's content loader over `policies/` and `training/`."""
    dirs = dirs or DEFAULT_CONTENT_DIRS
    report = ContentReport()
    for handler in content_handlers(request.registry):
        folder = dirs[handler.folder]
        if folder.exists():
            report.merge(handler.load(request, folder, progress))
    return report


def initialise(env, progress, demo=False, admin_password=None) -> None:
    request = env["request"]
    migrate(request.registry, progress)
    with request.tm:
        ensure_positions(request.find_service(AccountService))
        report = load_content(request, progress)
        progress.say(
            f"Content: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.conflicts)} conflicts, {len(report.errors)} errors"
        )
        # Problems name the file and line in the site's language, as `content load` prints them.
        from pyramid.interfaces import ILocalizer

        from ..content import translated

        settings = request.registry.settings
        localizer = request.registry.getUtility(ILocalizer, name=settings.get("pyramid.default_locale_name", "zh_CN"))
        for line in report.conflicts + report.errors:
            progress.say(f"  {translated(line, localizer)}")
        if demo:
            create_demo_accounts(request, progress)
        elif admin_password:
            service = request.find_service(AccountService)
            if service.by_username("admin") is None:
                admin = service.create(username="admin", display_name="Administrator", password=admin_password)
                service.set_global_roles(admin, {"admin"})
        settings_service = request.find_service(SiteSettingsService)
        settings_service.set(SET_UP_KEY, settings_service.clock.now().isoformat())


def print_demo_signins(progress, registry) -> None:
    """The address (from the ini file the site was started with) and the demo sign-ins."""
    from ..bootstrap import site_url

    url = site_url(registry.get("config_file"))
    progress.say("")
    progress.say(f"cs_handbook is ready on {url}")
    progress.say("Demo sign-ins (username / password):")
    for username, display_name, *_rest in DEMO_ACCOUNTS:
        progress.say(f"  {username:<10} / {DEMO_PASSWORD}   {display_name}")
    progress.say("")
