"""The staff roster import: CSV rows checked first, then written all together (or not at all)."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from ..i18n import _
from .accounts import LANGUAGES, AccountError, AccountService
from .audit import AuditAction


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, msgid, mapping)


# The same rules as the account form (schemas/accounts.py).
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # names are one line: no tab or newline either
ROSTER_COLUMNS = ("username", "display_name", "email", "position", "team", "start_date", "mentor", "language")


class RosterImport:
    def __init__(self, accounts: AccountService):
        self.accounts = accounts

    def run(self, text: str, default_password: str, actor=None, ip="") -> RosterResult:
        """Create or update accounts from CSV; all rows or none.

        Every row is checked before anything is written, so a bad row on
        line 40 leaves the first 39 unimported and reports every bad line.
        """
        result = RosterResult()
        reader = csv.DictReader(io.StringIO(text), strict=True)  # a broken quote is an error, not data
        missing = {"username", "display_name"} - set(reader.fieldnames or ())
        if missing:
            result.errors.append((1, _("Missing columns: ${columns}"), {"columns": ", ".join(sorted(missing))}))
            return result
        rows = []
        seen: set[str] = set()
        while True:
            # line_num counts physical lines (a quoted field may span lines):
            # a row is reported by the line it starts on.
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                # A broken quote: nothing after it can be trusted.
                result.errors.append((start, _("This line is not valid CSV."), {}))
                break
            parsed, error = self._parse_roster_row(row, seen)
            if error:
                result.errors.append((start, *error))
            else:
                rows.append((start, parsed))
        if not rows and not result.errors:
            result.errors.append((1, _("The file has no rows."), {}))
        if result.errors:
            return result
        for line, fields in rows:
            try:
                self._import_row(result, fields, default_password, actor, ip)
            except AccountError as error:
                # Parsing should have caught it; the caller rolls back what came before.
                result.errors.append((line, error.msgid, error.mapping))
                return result
        self.accounts.audit.record(AuditAction.ROSTER_IMPORTED, actor=actor, ip=ip,
                          detail={"created": result.created, "updated": result.updated})
        return result

    def _import_row(self, result: RosterResult, fields: dict, default_password: str, actor, ip) -> None:
        mentor_name = fields.pop("mentor")
        account = self.accounts.by_username(fields["username"])
        if account is None:
            account = self.accounts.create(password=default_password, actor=actor, ip=ip, **fields)
            result.created += 1
        else:
            fields.pop("username")
            self.accounts.update(account, actor=actor, ip=ip, **fields)
            result.updated += 1
        if mentor_name:
            mentor = self.accounts.by_username(mentor_name)
            assert mentor is not None  # parsing checked the mentor exists or comes on an earlier row
            self.accounts.update(account, actor=actor, ip=ip, mentor_id=mentor.id)

    def _parse_roster_row(self, row: dict, seen: set) -> tuple[dict, tuple | None]:
        get = lambda key: (row.get(key) or "").strip()  # noqa: E731
        username = get("username").lower()
        if not USERNAME_RE.fullmatch(username):
            return {}, (_("Invalid username: ${value}"), {"value": username[:64]})
        if username in seen:
            return {}, (_("Username ${value} appears twice."), {"value": username})
        seen.add(username)
        display_name = get("display_name")
        if not display_name or len(display_name) > 100 or CONTROL_RE.search(display_name):
            return {}, (_("A display name of 1 to 100 characters is required."), {})
        email = get("email")
        if email and (len(email) > 254 or not EMAIL_RE.fullmatch(email)):
            return {}, (_("Invalid email address: ${value}"), {"value": email[:254]})
        fields = {"username": username, "display_name": display_name, "email": email or None}
        if get("position"):
            position = self.accounts.position_by_code(get("position"))
            if position is None:
                return {}, (_("Unknown position: ${value}"), {"value": get("position")})
            fields["position_id"] = position.id
        if get("team"):
            team = self.accounts.team_by_name(get("team"))
            if team is None:
                return {}, (_("Unknown team: ${value}"), {"value": get("team")})
            fields["team_id"] = team.id
        if get("start_date"):
            try:
                fields["start_date"] = date.fromisoformat(get("start_date"))
            except ValueError:
                return {}, (_("Invalid date (use YYYY-MM-DD): ${value}"), {"value": get("start_date")})
        if get("language"):
            if get("language") not in LANGUAGES:
                return {}, (_("Unknown language: ${value}"), {"value": get("language")})
            fields["language"] = get("language")
        mentor = get("mentor").lower()
        if mentor:
            if mentor == username:
                return {}, (_("A person cannot be their own mentor."), {})
            existing = self.accounts.by_username(mentor)
            if existing is None and mentor not in seen:
                return {}, (_("Unknown mentor: ${value}"), {"value": mentor})
            # A row never re-enables an account, so a disabled mentor stays disabled.
            if existing is not None and not existing.is_active:
                return {}, (_("The mentor ${value} is disabled."), {"value": mentor})
        fields["mentor"] = mentor
        return fields, None
