"""Reading chat transcript files (CSV or JSON) into rows, line by line.

Each bad line is reported by its physical line number (a quoted text may
span several lines) and reason; good lines are kept. A broken CSV record
(a quotation mark never closed, a field over the csv module's limit) costs
only its first line: reading starts again on the next one. A file that is
not UTF-8 but entirely GB18030/GBK (what Chinese chat systems and Excel
export) is read as such, and the report says so; a file that mixes
encodings keeps its UTF-8 lines. Timestamps without a zone stay naive here:
the service reads them in the agent's team's zone.
"""

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..i18n import _
from .qa_etiquette import speaker_role

REQUIRED_COLUMNS = ("agent", "conversation", "speaker", "timestamp", "text")
# Header names chat systems export, by column.
COLUMN_ALIASES = {
    "agent": {"客服", "坐席", "客服账号", "agent_id", "username"},
    "conversation": {"会话", "会话id", "会话编号", "conversation_id", "session", "session_id"},
    "speaker": {"说话人", "发送方", "角色", "sender", "role"},
    "timestamp": {"时间", "时间戳", "发送时间", "time", "at", "datetime"},
    "text": {"内容", "消息", "消息内容", "文本", "message", "content"},
}
MAX_TEXT = 5000
MAX_CONVERSATION = 128
MAX_AGENT = 64
MIN_YEAR, MAX_YEAR = 2000, 2100
# Control characters carry nothing in a chat message (a NUL even breaks
# PostgreSQL); line breaks and tabs are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CHINESE_DATE = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?)?$"
)


@dataclass
class ParsedRow:
    line: int
    agent: str
    conversation: str
    speaker: str
    at: datetime  # naive when the file gave no zone
    text: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, msgid, mapping)
    notices: list[tuple[str, dict]] = field(default_factory=list)  # (msgid, mapping)
    # conversation id -> lines of it that could not be read: the conversation waits for a fixed file
    broken: dict[str, list[int]] = field(default_factory=dict)
    fatal: bool = False
    unit: str = "line"  # JSON reports rows
    cleaned: int = 0  # texts that had control characters removed

    def error(self, at: int, msgid: str, conversation: str | None = None, **mapping) -> None:
        """A problem on line (or row) `at`; with `conversation`, that conversation waits for a fixed file."""
        self.errors.append((at, msgid, mapping))
        if conversation:
            self.broken.setdefault(conversation, []).append(at)


# -- decoding ----------------------------------------------------------------


def decode(raw: bytes, result: ParseResult) -> str:
    """The file as text; undecodable lines of a mixed file become empty lines (numbers stay physical)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            result.notices.append((_("The file is UTF-16; it was read as such."), {}))
            return text
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    chunks = raw.split(b"\n")
    utf8_lines: list[str | None] = []
    for chunk in chunks:
        try:
            utf8_lines.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            utf8_lines.append(None)
    # Entirely GB18030: no line with Chinese in it is UTF-8 (plain ASCII reads the same in both).
    if all(line is None or line.isascii() for line in utf8_lines):
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            result.notices.append((_("The file is not UTF-8; it was read as GB18030 (GBK)."), {}))
            return text
    for number, line in enumerate(utf8_lines, start=1):
        if line is None:
            result.error(number, _("Line ${line} is not UTF-8 text; it was skipped."), line=number)
    return "\n".join(line or "" for line in utf8_lines).removeprefix("\ufeff")


# -- values ------------------------------------------------------------------


def parse_timestamp(value) -> datetime | None:
    """ISO 8601 (T or space), 2026/03/02 10:00, 2026年3月2日 10:00, or Unix seconds/milliseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d{10}(\d{3})?", value.strip())):
        number = float(value)
        number = number / 1000 if number > 1e11 else number
        try:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=number)
        except OverflowError:
            return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    chinese = _CHINESE_DATE.match(text)
    if chinese:
        year, month, day, hour, minute, second = (int(p) if p else 0 for p in chinese.groups())
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    text = text.replace("/", "-").replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _field(value, name: str) -> str | float | None:
    """A cell as text; None if the JSON gave something that is not a scalar."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return None
    if name == "timestamp" and isinstance(value, int | float) and not isinstance(value, bool):
        return value  # Unix time, read by parse_timestamp
    return str(value)


def _row(line: int, record: dict, result: ParseResult) -> None:
    values: dict[str, Any] = {}  # text; the timestamp may be a number (Unix time)
    for key in REQUIRED_COLUMNS:
        value = _field(record.get(key), key)
        if value is None:
            result.error(line, _("The ${field} field must be text, not a list or an object."), field=key)
            return
        values[key] = value.strip() if isinstance(value, str) else value
    conversation = values["conversation"] if isinstance(values["conversation"], str) else ""
    empty = [key for key in REQUIRED_COLUMNS if values[key] == ""]
    if empty:
        result.error(line, _("Empty field: ${fields}"), conversation, fields=", ".join(empty))
        return
    for key in ("agent", "conversation", "speaker"):
        if _CONTROL.search(values[key]):
            result.error(line, _("The ${field} field holds control characters."), None, field=key)
            return
    if len(values["conversation"]) > MAX_CONVERSATION or len(values["agent"]) > MAX_AGENT:
        result.error(line, _("The agent or the conversation id is too long."), None)
        return
    speaker = speaker_role(values["speaker"])
    if speaker is None:
        result.error(line, _("Unknown speaker ${value} (use agent, customer or system)."), conversation,
                     value=values["speaker"][:20])
        return
    at = parse_timestamp(values["timestamp"])
    if at is None:
        result.error(line, _("Bad timestamp ${value} (use ISO 8601, e.g. 2026-03-02T09:15:00)."), conversation,
                     value=str(values["timestamp"])[:40])
        return
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        result.error(line, _("Timestamp ${value} is outside the years ${first}–${last}."), conversation,
                     value=str(values["timestamp"])[:40], first=MIN_YEAR, last=MAX_YEAR)
        return
    text = _CONTROL.sub("", values["text"]).strip()
    if text != values["text"].strip():
        result.cleaned += 1
    if not text:
        result.error(line, _("Empty field: ${fields}"), conversation, fields="text")
        return
    if len(text) > MAX_TEXT:
        result.error(line, _("The text is longer than ${max} characters."), conversation, max=MAX_TEXT)
        return
    result.rows.append(ParsedRow(line, values["agent"].lower(), conversation, speaker, at, text))


# -- CSV ---------------------------------------------------------------------


def _header(cells: list[str]) -> list[str]:
    names = []
    for cell in cells:
        name = unicodedata.normalize("NFKC", cell).strip().lower()
        names.append(next((column for column, aliases in COLUMN_ALIASES.items() if name in aliases), name))
    return names


def _swallowed(text: str, header: list[str]) -> bool:
    """Whether a multi-line text holds what looks like whole records: a quotation mark left open above them."""
    for physical in text.split("\n")[1:]:
        try:
            cells = next(csv.reader([physical]))
        except (csv.Error, StopIteration):
            continue
        if len(cells) == len(header) and parse_timestamp(cells[header.index("timestamp")]) is not None:
            return True
    return False


def parse_csv(raw: bytes) -> ParseResult:
    result = ParseResult()
    text = decode(raw, result)
    lines = [line + "\n" for line in text.split("\n")]
    if not text.strip():
        result.error(1, _("The file is empty."))
        result.fatal = True
        return result
    try:
        header = _header(next(csv.reader([lines[0]])))
    except csv.Error:
        header = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.error(1, _("Missing columns: ${columns}"), columns=", ".join(missing))
        result.fatal = True
        return result
    start = 1  # index in `lines` where reading (re)starts
    while start < len(lines):
        reader = csv.reader(lines[start:], strict=True)
        consumed = 0
        try:
            for cells in reader:
                line = start + consumed + 1  # physical number of the record's first line
                consumed = reader.line_num
                if not cells or cells == [""]:
                    continue
                if len(cells) > len(header):
                    result.error(line, _("Too many fields on the line."))
                    continue
                # A short line leaves the missing columns empty: reported as empty fields.
                record = dict(zip(header, cells, strict=False))
                if "\n" in record.get("text", "") and _swallowed(record["text"], header):
                    raise csv.Error("unterminated quote")
                _row(line, record, result)
            break
        except csv.Error as error:
            line = start + consumed + 1
            if "field larger than field limit" in str(error):
                result.error(line, _("A field on this line is longer than the file reader allows; the line was "
                                     "skipped."))
            else:
                result.error(line, _("A quotation mark on this line is never closed; the line was skipped and "
                                     "reading went on with the next one."))
            start = line  # the next physical line, as an index
    return result


# -- JSON --------------------------------------------------------------------


def parse_json(raw: bytes) -> ParseResult:
    result = ParseResult(unit="row")
    text = decode(raw, result)
    if result.errors:
        result.errors = [(1, _("The file is not UTF-8 text."), {})]
        result.fatal = True
        return result
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        result.error(error.lineno, _("Not valid JSON: ${reason}"), reason=error.msg)
        result.unit, result.fatal = "line", True
        return result
    except RecursionError:
        result.error(1, _("The JSON file is nested too deeply."))
        result.fatal = True
        return result
    if not isinstance(data, list):
        result.error(1, _("The JSON file must hold a list of rows."))
        result.fatal = True
        return result
    for index, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            result.error(index, _("Row ${line} is not an object."), line=index)
            continue
        _row(index, record, result)
    return result
