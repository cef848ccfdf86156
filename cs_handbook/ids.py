r"""Ids in URLs, query strings and forms: ASCII digits that fit an integer column.

An id the database cannot hold (PostgreSQL's `integer` ends at 2**31 - 1,
SQLite's at 2**63 - 1) must be a 404 or a 400, never an overflow inside a
query. Route patterns match ids with `[0-9]{1,9}` (`ID`; not `\d`, which in
Python also takes "１" and "٣"), so an over-long id matches no route; ids
from query strings and forms go through `parse_id`. `str.isdigit` is not
enough on its own: it accepts "²" and other digits `int()` refuses.
"""

ID = r"[0-9]{1,9}"
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """The id in `value`, or None when it is not 1–9 ASCII digits with a value above 0."""
    if isinstance(value, str) and 0 < len(value) <= 9 and value.isascii() and value.isdigit():
        number = int(value)
        return number if number > 0 else None
    return None
