"""Reading and writing one content file: YAML front matter + Markdown body (docs/content-format.md).

A file is read completely and checked against `DocumentFileSchema` before
anything is written, and every problem comes back as a `Problem` naming the
file, the line and the field ("roles/x.md:14: duties[3]: at most 1000
characters"), translatable into the CLI's language. Nothing here raises
anything but `FileError`, whatever the file holds.

Dates stay text: PyYAML's own loader turns `2026-13-45` into a ValueError
deep inside its constructor and `2026-03-01` into a `date` that no longer
round-trips; ours leaves both as strings and the schema judges them.
"""

from pathlib import Path
from typing import NoReturn

import colander
import yaml

from ..content import Problem
from ..i18n import _
from ..schemas.documents_files import DocumentFileSchema, SectionFileSchema, invalid_fields

BODY_MAX = 200_000
KEY_ORDER = ("title", "order", "section", "summary", "tags", "sources", "links", "position", "position_name",
             "department", "duties", "situations", "procedures", "facts", "effective", "expires", "review_due")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(cls):
    cls.yaml_implicit_resolvers = {first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
                                   for first, resolvers in cls.yaml_implicit_resolvers.items()}
    return cls


@_without_timestamps
class _Loader(yaml.SafeLoader):
    pass


@_without_timestamps
class _Dumper(yaml.SafeDumper):
    # Indent list items under their key, the way people write YAML by hand.
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def problem(msgid, path, line=None, **mapping) -> Problem:
    return Problem(_(msgid, mapping={"file": path, "line": line, **mapping}))


class FileError(ValueError):
    """A file that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _fail(path, line, msgid, **mapping) -> NoReturn:
    raise FileError([problem(msgid, path, line, **mapping)])


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False)


def canonical_front(front: dict) -> dict:
    ordered = {k: front[k] for k in KEY_ORDER if k in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    return ordered


def render_file(front: dict, body: str) -> str:
    body = body.strip("\n")
    return "---\n" + dump_yaml(canonical_front(front)) + "---\n" + (f"\n{body}\n" if body else "")


def field_name(path: tuple) -> str:
    """("situations", 2, "phrases", 0, "text") → "situations[3].phrases[1].text" (counted from 1, as people do)."""
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _line_at(node, path: tuple, first_line: int) -> int:
    """The line of the value at `path` in the composed YAML, as the file counts lines."""
    line = node.start_mark.line if node is not None else 0
    for step in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            break
    return line + first_line


def read_yaml(text: str, rel: str, first_line: int):
    """(value, composed node) of a YAML text that starts at `first_line` of file `rel`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        _fail(rel, (mark.line if mark else 0) + first_line, _("${file}:${line}: invalid YAML: ${problem}"),
              problem=str(getattr(error, "problem", None) or error))
    except (ValueError, TypeError, OverflowError, RecursionError) as error:  # an explicit !!tag it cannot build
        _fail(rel, first_line, _("${file}:${line}: invalid YAML: ${problem}"), problem=str(error))
    finally:
        loader.dispose()
    return value, node


def _checked(schema, value, node, rel: str, first_line: int) -> None:
    try:
        schema.deserialize(value)
    except colander.Invalid as error:
        problems = []
        for path, message in invalid_fields(error):
            line = _line_at(node, path, first_line)
            if path:
                problems.append(problem(_("${file}:${line}: ${field}: ${message}"), rel, line,
                                        field=field_name(path), message=message))
            else:
                problems.append(problem(_("${file}:${line}: ${message}"), rel, line, message=message))
        raise FileError(problems) from None


def _text_of(path: Path, rel: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        _fail(rel, line, _("${file}:${line}: the file is not UTF-8 text"))
    except OSError as error:
        _fail(rel, 1, _("${file}:${line}: cannot be read: ${problem}"), problem=error.strerror or str(error))


def parse_file(path: Path, rel: str) -> tuple[dict, str]:
    """(front matter, body) of a document file, checked; FileError lists every problem."""
    text = _text_of(path, rel)
    if not text.startswith("---\n"):
        _fail(rel, 1, _("${file}:${line}: the file must start with a '---' line (YAML front matter)"))
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        _fail(rel, 1, _("${file}:${line}: the front matter has no closing '---' line"))
    front, node = read_yaml(text[4:end + 1], rel, first_line=2)
    if not isinstance(front, dict):
        _fail(rel, 2, _("${file}:${line}: the front matter must be a mapping of keys"))
    _checked(DocumentFileSchema(), front, node, rel, first_line=2)
    body = text[end + 5:]
    if len(body) > BODY_MAX:
        _fail(rel, text.count("\n", 0, end) + 3, _("${file}:${line}: the text is longer than ${max} characters"),
              max=BODY_MAX)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in body):
        bad = next(i for i, ch in enumerate(body) if ord(ch) < 32 and ch not in "\t\r\n")
        _fail(rel, text.count("\n", 0, end + 5 + bad) + 1,
              _("${file}:${line}: control characters are not allowed"))
    return front, body


def key_line(path: Path, key: str) -> int:
    """The line of a top-level front-matter key (for problems found after parsing)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 2


def parse_section(path: Path, rel: str) -> dict:
    """The values of a `_section.yaml`, checked."""
    values, node = read_yaml(_text_of(path, rel), rel, first_line=1)
    if not isinstance(values, dict):
        _fail(rel, 1, _("${file}:${line}: the file must be a mapping of keys (title, order, summary)"))
    _checked(SectionFileSchema(), values, node, rel, first_line=1)
    return values
