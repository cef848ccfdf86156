"""GIFT import and export (Moodle's plain-text question format).

Each question is `::key::text {answers}`, blocks separated by a blank line,
`$CATEGORY: $course$/top/<slug>` switches category. Types: `{=a ~b}` single,
`{~%50%a ~%50%b ~%-100%c}` multiple, `{T}`/`{F}` true/false, `{=a =b}` short,
`{=l -> r ...}` matching, `{}` essay, general feedback after `####`.
GIFT has no ordering type: we write ordering as matching with places
1..n on the left, marked by the comment line `// ordering`. Tags and the
source document ride in Moodle-style comment tags: `// [tag:x]`,
`// [tag:source:handbook/...]`; points in `// points: 2`; the essay rubric
in the general feedback of an essay. Special characters `~ = # { } :` and
backslash are escaped with a backslash, newlines written as `\\n`; so are
the `>` of a `->` inside a text (else it would split a matching pair) and
a `%` opening an answer (else it would read as a weight). A matching
distractor is a pair without a left side (`= -> 干扰项`), as Moodle reads it.
Short answers with a partial weight (`=%50%一分钟`) are left out: ours give
full marks or none; the import notes it.
"""

import re
from typing import Any

SPECIAL = "\\~=#{}:"


WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def escape(text: str, answer: bool = False) -> str:
    out = "".join("\\" + ch if ch in SPECIAL else ch for ch in text)
    out = out.replace("->", "-\\>")
    if answer and out.startswith("%"):
        out = "\\" + out
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _number(value):
    return int(value) if float(value).is_integer() else value


def _fraction_text(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text


def export_gift(records: list[dict]) -> str:
    """`records`: dicts with category, category_title, key, fields (type/text/...), tags."""
    lines: list[str] = []
    category = None
    for record in records:
        if record["category"] != category:
            category = record["category"]
            lines += [f"$CATEGORY: $course$/top/{category}", f"// category title: {record['category_title']}", ""]
        fields, data = record["fields"], record["fields"]["data"]
        qtype = fields["type"]
        if qtype == "ordering":
            lines.append("// ordering")
        for tag in record["tags"]:
            lines.append(f"// [tag:{tag}]")
        if fields["source"]:
            lines.append(f"// [tag:source:{fields['source']}]")
        if fields["points"] != 1:
            lines.append(f"// points: {_number(fields['points'])}")
        head = f"::{escape(record['key'])}::{escape(fields['text'])} {{"
        answers = []
        if qtype == "single":
            answers = [("=" if o.get("correct") else "~") + escape(o["text"], answer=True)
                       + (f"#{escape(o['feedback'])}" if o.get("feedback") else "") for o in data["options"]]
        elif qtype == "multiple":
            right = sum(1 for o in data["options"] if o.get("correct"))
            wrong = len(data["options"]) - right
            for o in data["options"]:
                weight = 100 / right if o.get("correct") else -100 / max(1, wrong)
                answers.append(f"~%{_fraction_text(weight)}%{escape(o['text'], answer=True)}"
                               + (f"#{escape(o['feedback'])}" if o.get("feedback") else ""))
        elif qtype == "truefalse":
            answers = ["T" if data["answer"] else "F"]
        elif qtype == "short":
            answers = ["=" + escape(a, answer=True) for a in data["answers"]]
        elif qtype == "matching":
            answers = [f"={escape(p['left'])} -> {escape(p['right'])}" for p in data["pairs"]]
            answers += [f"= -> {escape(d)}" for d in data.get("distractors", [])]
        elif qtype == "ordering":
            answers = [f"={n} -> {escape(item)}" for n, item in enumerate(data["items"], 1)]
        general = data.get("rubric", "") if qtype == "essay" else fields["explanation"]
        if qtype == "essay" and fields["explanation"]:
            lines.append(f"// explanation: {escape(fields['explanation'])}")
        if general:
            answers.append(f"####{escape(general)}")
        lines.append(head)
        lines += [f"\t{a}" for a in answers]
        lines += ["}", ""]
    return "\n".join(lines)


# -- import ------------------------------------------------------------------


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out).strip()


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at unescaped mark characters; returns (mark, chunk) pairs ("" for the leading chunk)."""
    parts, current, mark, i = [], [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch in marks:
            parts.append((mark, "".join(current)))
            current, mark = [], ch
        else:
            current.append(ch)
        i += 1
    parts.append((mark, "".join(current)))
    return parts


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


class GiftError(ValueError):
    def __init__(self, msgid: str):
        super().__init__(msgid)
        self.msgid = msgid


def parse_gift(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """Return (records, errors); errors are (question position, msgid), positions from 1."""
    records, errors = [], []
    category, title = "imported", "imported"
    position = 0
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        meta: dict[str, Any] = {"ordering": False, "tags": [], "source": "", "points": 1.0, "explanation": ""}
        body = []
        for line in block.split("\n"):
            stripped = line.strip()
            if stripped.startswith("$CATEGORY:"):
                category = stripped.split(":", 1)[1].strip().rstrip("/").split("/")[-1] or "imported"
                title = category
            elif stripped.startswith("//"):
                comment = stripped[2:].strip()
                if comment == "ordering":
                    meta["ordering"] = True
                elif comment.startswith("category title:"):
                    title = comment.split(":", 1)[1].strip()
                elif comment.startswith("[tag:source:") and comment.endswith("]"):
                    meta["source"] = comment[len("[tag:source:"):-1]
                elif comment.startswith("[tag:") and comment.endswith("]"):
                    meta["tags"].append(comment[5:-1])
                elif comment.startswith("points:"):
                    meta["points"] = comment.split(":", 1)[1].strip()
                elif comment.startswith("explanation:"):
                    meta["explanation"] = unescape(comment.split(":", 1)[1])
            else:
                body.append(line)
        source = "\n".join(body).strip()
        if not source:
            continue
        position += 1
        try:
            records.append({**_parse_question(source, category, title, meta), "position": position})
        except GiftError as error:
            errors.append((position, error.msgid))
    return records, errors


def _parse_question(source: str, category: str, title: str, meta: dict) -> dict:
    opening = _find_unescaped(source, "{")
    closing = _find_unescaped(source, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0 or source[closing + 1:].strip():
        raise GiftError("The question has no answer block in braces.")
    head, block = source[:opening].strip(), source[opening + 1:closing]
    key = ""
    if head.startswith("::"):
        end = _find_unescaped(head, "::", 2)
        if end < 0:
            raise GiftError("The question title is not closed with ::.")
        key, head = unescape(head[2:end]), head[end + 2:]
    text = unescape(head)
    if not text:
        raise GiftError("A question needs its text.")
    general_at = _find_unescaped(block, "####")
    general = ""
    if general_at >= 0:
        general, block = unescape(block[general_at + 4:]), block[:general_at]
    try:
        points = float(meta["points"])
    except ValueError as error:
        raise GiftError("The points are not a number.") from error
    fields = {"text": text, "source": meta["source"], "points": points, "explanation": general}
    notes: list[str] = []
    stripped = block.strip()
    answers = [(m, c) for m, c in _split_unescaped(block, "=~") if m]
    if not stripped:
        fields.update(type="essay", data={"rubric": general}, explanation=meta["explanation"])
    elif stripped in ("T", "F", "TRUE", "FALSE"):
        fields.update(type="truefalse", data={"answer": stripped.startswith("T")})
    elif answers and all(m == "=" and _find_unescaped(c, "->") >= 0 for m, c in answers):
        pairs = []
        for _, chunk in answers:
            at = _find_unescaped(chunk, "->")
            pairs.append({"left": unescape(chunk[:at]), "right": unescape(chunk[at + 2:])})
        if meta["ordering"]:
            fields.update(type="ordering", data={"items": [p["right"] for p in pairs]})
        else:
            data: dict[str, object] = {"pairs": [p for p in pairs if p["left"]]}
            distractors = [p["right"] for p in pairs if not p["left"]]
            if distractors:
                data["distractors"] = distractors
            fields.update(type="matching", data=data)
    elif answers and all(m == "=" for m, _ in answers):
        accepted = []
        for _, chunk in answers:
            text = _split_unescaped(chunk, "#")[0][1].strip()
            marked = WEIGHT.match(text)
            if marked:
                if float(marked.group(1)) < 100:
                    if float(marked.group(1)) > 0:
                        notes.append("Answers with partial credit were left out: a short answer earns full marks "
                                     "or none.")
                    continue
                text = text[marked.end():]
            accepted.append(unescape(text))
        fields.update(type="short", data={"answers": accepted})
    elif answers:
        options, weighted = [], False
        for mark, chunk in answers:
            parts = _split_unescaped(chunk, "#")
            answer_text = parts[0][1].strip()
            weight = 100.0 if mark == "=" else 0.0
            match = WEIGHT.match(answer_text)
            if match:
                weighted = True
                weight, answer_text = float(match.group(1)), answer_text[match.end():]
            option: dict[str, object] = {"text": unescape(answer_text)}
            if weight > 0:
                option["correct"] = True
            if len(parts) > 1 and unescape(parts[1][1]):
                option["feedback"] = unescape(parts[1][1])
            options.append(option)
        right = sum(1 for o in options if o.get("correct"))
        qtype = "multiple" if weighted or right > 1 else "single"
        fields.update(type=qtype, data={"options": options})
    else:
        raise GiftError("The answer block could not be read.")
    record = {"category": category, "category_title": title, "key": key, "fields": fields, "tags": meta["tags"]}
    if notes:
        record["notes"] = list(dict.fromkeys(notes))
    return record
