"""CLI commands for accounts: add a user, import a roster."""

import getpass
from pathlib import Path

from ..i18n import _
from ..services.accounts import AccountError, AccountService


def cmd_add_user(env, args, progress):
    request = env["request"]
    password = args.password or getpass.getpass(f"Password for {args.username}: ")
    with request.tm:
        service = request.find_service(AccountService)
        try:
            account = service.create(username=args.username, display_name=args.display_name or args.username,
                                     password=password)
        except AccountError as error:
            progress.say(request.localizer.translate(_(error.msgid, mapping=error.mapping)))
            request.tm.abort()
            return 1
        service.set_global_roles(account, set(args.role or ()))
    progress.say(f"created {args.username} with roles {sorted(args.role or [])}")
    return 0


def cmd_import_roster(env, args, progress):
    request = env["request"]
    try:
        text = Path(args.csv).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        progress.say("The file is not UTF-8 text; nothing was imported.")
        return 1
    with request.tm:
        result = request.find_service(AccountService).import_roster(text, args.password)
        if result.errors:
            request.tm.abort()
            for line, msgid, mapping in result.errors:
                progress.say(f"line {line}: {request.localizer.translate(_(msgid, mapping=mapping))}")
            progress.say("Nothing was imported.")
            return 1
    progress.say(f"Roster imported: {result.created} created, {result.updated} updated.")
    return 0


def register(subparsers):
    p = subparsers.add_parser("add-user", help="create a staff account")
    p.add_argument("username")
    p.add_argument("--display-name")
    p.add_argument("--password")
    p.add_argument("--role", action="append", choices=("admin", "manager", "qa", "reviewer", "trainer"))
    p.set_defaults(func=cmd_add_user)

    p = subparsers.add_parser("import-roster", help="create or update accounts from a CSV roster")
    p.add_argument("csv")
    p.add_argument("--password", required=True, help="initial password of new accounts")
    p.set_defaults(func=cmd_import_roster)
