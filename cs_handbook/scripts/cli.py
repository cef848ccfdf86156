"""The `cs-handbook` command: set-up, accounts, content and the background jobs.

Every command takes the ini file first, bootstraps the app from it and runs
inside a transaction. Areas add their commands in their own modules
(`scripts/<area>.py`, each with `register(subparsers)`). A command that
refuses its input raises `CommandError` (inside its transaction, so nothing
is written): the reasons are printed and the command exits with 1.
"""

import argparse
import getpass
import sys

from pyramid.interfaces import ILocalizer
from pyramid.paster import bootstrap, setup_logging

from .. import migrations
from .progress import Progress


class CommandError(Exception):
    """The command was refused; `lines` say why, already in the site's language."""

    def __init__(self, *lines: str):
        super().__init__("\n".join(lines))
        self.lines = lines


def site_localizer(env):
    """Commands speak the site's default language (the ini's pyramid.default_locale_name)."""
    registry = env["registry"]
    return registry.getUtility(ILocalizer, name=registry.settings["pyramid.default_locale_name"])


AREA_COMMAND_MODULES = ("accounts", "housekeeping", "content", "documents", "training", "quizzes", "drill", "qa",
                        "reports")


def cmd_init(env, args, progress):
    from .initialize import initialise, print_demo_signins

    password = None
    if not args.demo:
        password = args.admin_password or getpass.getpass("Password for the new admin account: ")
    initialise(env, progress, demo=args.demo, admin_password=password)
    if args.demo:
        print_demo_signins(progress, env["registry"])
    return 0


def cmd_db(env, args, progress):
    url = env["registry"].settings["sqlalchemy.url"]
    if args.action == "upgrade":
        migrations.upgrade(url, args.revision or "head")
    elif args.action == "downgrade":
        migrations.downgrade(url, args.revision or "-1")
    else:
        migrations.check(url)
    progress.say(f"db {args.action}: done")
    return 0


def cmd_demo(env, args, progress):
    from ..demo import create_demo_accounts
    from .initialize import print_demo_signins

    request = env["request"]
    with request.tm:
        create_demo_accounts(request, progress)
    print_demo_signins(progress, env["registry"])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cs-handbook", description=__doc__.splitlines()[0])
    parser.add_argument("config", help="the ini file, e.g. development.ini")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="migrate, load the default content, create the admin (or demo) accounts")
    p.add_argument("--demo", action="store_true", help="create the demo teams and accounts")
    p.add_argument("--admin-password", help="password of the admin account (asked for when missing)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("db", help="schema migrations")
    p.add_argument("action", choices=("upgrade", "downgrade", "check"))
    p.add_argument("revision", nargs="?")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("demo", help="create the demo teams and accounts")
    p.set_defaults(func=cmd_demo)

    for name in AREA_COMMAND_MODULES:
        module = __import__(f"cs_handbook.scripts.{name}", fromlist=["register"])
        module.register(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.config)
    progress = Progress(quiet=args.quiet)
    with bootstrap(args.config) as env:
        try:
            return args.func(env, args, progress) or 0
        except CommandError as refused:
            for line in refused.lines:
                progress.error(line)
            return 1


if __name__ == "__main__":  # pragma: no branch
    sys.exit(main())
