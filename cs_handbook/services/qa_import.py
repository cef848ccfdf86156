"""Reading chat transcript files (CSV or JSON) into conversations, line by line.

Each bad line is reported by number and reason; good lines are kept. The
caller decides what is new (a conversation already imported is skipped).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ..i18n import _
from .qa_etiquette import speaker_role

REQUIRED_COLUMNS = ("agent", "conversation", "speaker", "timestamp", "text")
MAX_TEXT = 5000


@dataclass
class ParsedRow:
    line: int
    agent: str
    conversation: str
    speaker: str
    at: datetime
    text: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, msgid, mapping)
    fatal: bool = False


def decode_lines(raw: bytes, result: ParseResult) -> list[tuple[int, str]]:
    """Decode as UTF-8; if the file mixes encodings, keep the lines that are UTF-8 and report the rest."""
    try:
        return list(enumerate(raw.decode("utf-8-sig").splitlines(), start=1))
    except UnicodeDecodeError:
        pass
    lines = []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append((number, chunk.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r")))
        except UnicodeDecodeError:
            result.errors.append((number, _("Line ${line} is not UTF-8 text; it was skipped."), {"line": number}))
    return lines


def parse_timestamp(value: str, zone: ZoneInfo) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=zone) if stamp.tzinfo is None else stamp


def _row(line: int, record: dict, zone: ZoneInfo, result: ParseResult) -> None:
    values = {key: str(record.get(key) or "").strip() for key in REQUIRED_COLUMNS}
    empty = [key for key in REQUIRED_COLUMNS if not values[key]]
    if empty:
        result.errors.append((line, _("Empty field: ${fields}"), {"fields": ", ".join(empty)}))
        return
    speaker = speaker_role(values["speaker"])
    if speaker is None:
        result.errors.append(
            (line, _("Unknown speaker ${value} (use agent or customer)."), {"value": values["speaker"][:20]})
        )
        return
    at = parse_timestamp(values["timestamp"], zone)
    if at is None:
        result.errors.append(
            (
                line,
                _("Bad timestamp ${value} (use ISO 8601, e.g. 2026-03-02T09:15:00)."),
                {"value": values["timestamp"][:40]},
            )
        )
        return
    if len(values["text"]) > MAX_TEXT or len(values["conversation"]) > 128:
        result.errors.append((line, _("The text or conversation id is too long."), {}))
        return
    result.rows.append(ParsedRow(line, values["agent"].lower(), values["conversation"], speaker, at, values["text"]))


def parse_csv(raw: bytes, zone: ZoneInfo) -> ParseResult:
    result = ParseResult()
    lines = decode_lines(raw, result)
    if not lines:
        result.errors.append((1, _("The file is empty."), {}))
        result.fatal = True
        return result
    header_line, header = lines[0]
    reader = csv.DictReader(io.StringIO("\n".join(text for _n, text in lines)))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        result.errors.append((header_line, _("Missing columns: ${columns}"), {"columns": ", ".join(missing)}))
        result.fatal = True
        return result
    numbers = [n for n, _text in lines[1:]]
    for index, record in enumerate(reader):
        line = numbers[index] if index < len(numbers) else index + 2
        if None in record:
            result.errors.append((line, _("Too many fields on the line."), {}))
            continue
        _row(line, record, zone, result)
    return result


def parse_json(raw: bytes, zone: ZoneInfo) -> ParseResult:
    result = ParseResult()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        result.errors.append((1, _("The file is not UTF-8 text."), {}))
        result.fatal = True
        return result
    except json.JSONDecodeError as error:
        result.errors.append((error.lineno, _("Not valid JSON: ${reason}"), {"reason": error.msg}))
        result.fatal = True
        return result
    if not isinstance(data, list):
        result.errors.append((1, _("The JSON file must hold a list of rows."), {}))
        result.fatal = True
        return result
    for index, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            result.errors.append((index, _("Row ${line} is not an object."), {"line": index}))
            continue
        _row(index, record, zone, result)
    return result
