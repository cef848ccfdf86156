"""CLI commands for accounts: add a user, import a roster.

Input is checked with the rules of the web forms (the same schema nodes), and
every message is in the site's language. A refused command raises
`CommandError` inside its transaction, so nothing is written, and `cli.main`
prints the reasons and exits with 1.
"""

import getpass
from pathlib import Path

import colander

from ..i18n import _
from ..schemas.accounts import NewAccountSchema, RosterSchema
from ..services.accounts import AccountError, AccountService
from .cli import CommandError, site_localizer


def _checked(node, value, localizer) -> tuple[object, list[str]]:
    """`value` as the form field `node` would accept it, or the field's messages."""
    try:
        return node.deserialize(value), []
    except colander.Invalid as invalid:
        title = localizer.translate(node.title)
        return None, [f"{title}: {localizer.translate(msg)}" for msg in invalid.messages()]


def cmd_add_user(env, args, progress):
    request = env["request"]
    localizer = site_localizer(env)
    schema = NewAccountSchema()
    username, errors = _checked(schema["username"], args.username, localizer)
    display_name, more = _checked(schema["display_name"], args.display_name or args.username, localizer)
    errors += more
    if errors:
        raise CommandError(*errors)
    password = args.password
    if password is None:
        password = getpass.getpass(localizer.translate(_("Password for ${username}: ",
                                                         mapping={"username": username})))
    password, errors = _checked(schema["password"], password, localizer)
    if errors:
        raise CommandError(*errors)
    roles = sorted(set(args.role or ()))
    with request.tm:
        service = request.find_service(AccountService)
        try:
            account = service.create(username=username, display_name=display_name, password=password)
        except AccountError as error:
            raise CommandError(localizer.translate(_(error.msgid, mapping=error.mapping))) from None
        service.set_global_roles(account, set(roles))
    progress.summary(localizer.translate(_("Created ${username} with the roles: ${roles}", mapping={
        "username": username, "roles": ", ".join(roles) or localizer.translate(_("none"))})))
    return 0


def cmd_import_roster(env, args, progress):
    request = env["request"]
    localizer = site_localizer(env)
    password, errors = _checked(RosterSchema()["default_password"], args.password, localizer)
    if errors:
        raise CommandError(*errors)
    try:
        text = Path(args.csv).read_bytes().decode("utf-8-sig")
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(localizer.translate(_("Cannot read ${path}: ${reason}; nothing was imported.",
                                                 mapping={"path": args.csv, "reason": reason}))) from None
    except UnicodeDecodeError:
        raise CommandError(localizer.translate(
            _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."))) from None
    with request.tm:
        try:
            result = request.find_service(AccountService).import_roster(text, password)
        except AccountError as error:
            # A rule the row checks did not catch: still nothing is written.
            raise CommandError(localizer.translate(_(error.msgid, mapping=error.mapping)),
                               localizer.translate(_("Nothing was imported."))) from None
        if result.errors:
            line_label = lambda line: localizer.translate(_("Line ${line}", mapping={"line": line}))  # noqa: E731
            raise CommandError(
                localizer.translate(_("Nothing was imported. Fix these lines and try again:")),
                *(f"  {line_label(line)}: {localizer.translate(_(msgid, mapping=mapping))}"
                  for line, msgid, mapping in result.errors),
            )
    progress.summary(localizer.translate(_("Roster imported: ${created} created, ${updated} updated.",
                                           mapping={"created": result.created, "updated": result.updated})))
    return 0


def register(subparsers):
    p = subparsers.add_parser("add-user", help="create a staff account")
    p.add_argument("username")
    p.add_argument("--display-name")
    p.add_argument("--password", help="asked for when missing")
    p.add_argument("--role", action="append", choices=("admin", "manager", "qa", "reviewer", "trainer"))
    p.set_defaults(func=cmd_add_user)

    p = subparsers.add_parser("import-roster", help="create or update accounts from a CSV roster")
    p.add_argument("csv")
    p.add_argument("--password", required=True, help="initial password of new accounts")
    p.set_defaults(func=cmd_import_roster)
