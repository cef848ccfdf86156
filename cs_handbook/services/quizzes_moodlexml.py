"""Moodle XML import and export.

Types map to Moodle's: multichoice (single true/false decides single or
multiple), truefalse, shortanswer, matching, essay (rubric in graderinfo),
ordering (the qtype_ordering plugin: answers in their correct order).
Categories are `<question type="category">` entries `$course$/top/<slug>`
with the title in `<info>`. The cited document rides as the tag
`source:<slug>`. Documents with a DOCTYPE are refused (no entities).

Texts in Moodle's `format="html"` become plain text (tags dropped, blocks
and line breaks kept as lines, entities decoded): we store and show plain
text. A matching subquestion without text is a distractor. Short answers
with a partial fraction are left out (noted), as in GIFT. Control
characters, which XML 1.0 cannot carry, are dropped on export.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from .quizzes_gift import GiftError as FormatError

MOODLE_TYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                "short": "shortanswer", "matching": "matching", "essay": "essay", "ordering": "ordering"}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote",
           "pre", "hr"}


class _PlainText(HTMLParser):
    """The text of an HTML fragment, one line per block; script and style contents dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    return "\n".join(line for line in lines if line)


def _text(parent, tag: str, value: str, fmt: str | None = None):
    node = ET.SubElement(parent, tag)
    if fmt:
        node.set("format", fmt)
    ET.SubElement(node, "text").text = _CONTROL.sub("", value)
    return node


def _num(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


def export_moodle_xml(records: list[dict]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for record in records:
        if record["category"] != category:
            category = record["category"]
            node = ET.SubElement(quiz, "question", type="category")
            _text(node, "category", f"$course$/top/{category}")
            _text(node, "info", record["category_title"], "plain_text")
        fields, data = record["fields"], record["fields"]["data"]
        qtype = fields["type"]
        node = ET.SubElement(quiz, "question", type=MOODLE_TYPES[qtype])
        _text(node, "name", record["key"])
        _text(node, "questiontext", fields["text"], "plain_text")
        _text(node, "generalfeedback", fields["explanation"], "plain_text")
        ET.SubElement(node, "defaultgrade").text = _num(fields["points"])
        if qtype in ("single", "multiple"):
            ET.SubElement(node, "single").text = "true" if qtype == "single" else "false"
            ET.SubElement(node, "shuffleanswers").text = "1"
            right = sum(1 for o in data["options"] if o.get("correct"))
            wrong = len(data["options"]) - right
            for option in data["options"]:
                if qtype == "single":
                    fraction = 100.0 if option.get("correct") else 0.0
                else:
                    fraction = 100.0 / right if option.get("correct") else -100.0 / max(1, wrong)
                answer = _text(node, "answer", option["text"], "plain_text")
                answer.set("fraction", _num(fraction))
                _text(answer, "feedback", option.get("feedback", ""), "plain_text")
        elif qtype == "truefalse":
            for value in ("true", "false"):
                answer = _text(node, "answer", value, "moodle_auto_format")
                answer.set("fraction", "100" if (value == "true") == bool(data["answer"]) else "0")
        elif qtype == "short":
            for accepted in data["answers"]:
                _text(node, "answer", accepted, "moodle_auto_format").set("fraction", "100")
        elif qtype == "matching":
            for pair in [*data["pairs"], *({"left": "", "right": d} for d in data.get("distractors", []))]:
                sub = _text(node, "subquestion", pair["left"], "plain_text")
                _text(sub, "answer", pair["right"])
        elif qtype == "ordering":
            for n, item in enumerate(data["items"], 1):
                _text(node, "answer", item, "plain_text").set("fraction", str(n))
        elif qtype == "essay":
            _text(node, "graderinfo", data.get("rubric", ""), "plain_text")
        tags = ET.SubElement(node, "tags")
        for tag in [*record["tags"], *([f"source:{fields['source']}"] if fields["source"] else [])]:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = _CONTROL.sub("", tag)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _get(node, path: str) -> str:
    """The text at `path` (".../text"), as plain text when its element says format="html"."""
    found = node.find(path)
    if found is None:
        return ""
    value = (found.text or "").strip()
    holder = node.find(path.rsplit("/", 1)[0]) if "/" in path else None
    if holder is None and path == "text":
        holder = node
    if holder is not None and holder.get("format") == "html":
        value = html_to_text(value)
    return value


def parse_moodle_xml(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return [], [(0, "The file declares a DOCTYPE; it was refused.")]
    try:
        # No DOCTYPE (refused above) means no entity to expand; expat parses nothing else.
        root = ET.fromstring(text.encode("utf-8"))  # noqa: S314
    except ET.ParseError:
        return [], [(0, "The file is not well-formed XML.")]
    if root.tag != "quiz":
        return [], [(0, "The file is not a Moodle XML question file.")]
    records, errors = [], []
    category, title, position = "imported", "imported", 0
    for node in root.findall("question"):
        kind = node.get("type", "")
        if kind == "category":
            category = _get(node, "category/text").rstrip("/").split("/")[-1] or "imported"
            title = _get(node, "info/text") or category
            continue
        position += 1
        try:
            records.append({**_parse_question(node, kind, category, title), "position": position})
        except (FormatError, ValueError) as error:
            errors.append((position, getattr(error, "msgid", "The question could not be read.")))
    return records, errors


def _parse_question(node, kind: str, category: str, title: str) -> dict:
    text = _get(node, "questiontext/text")
    if not text:
        raise FormatError("A question needs its text.")
    tags, source = [], ""
    for tag in node.findall("tags/tag/text"):
        value = (tag.text or "").strip()
        if value.startswith("source:"):
            source = value[len("source:"):]
        elif value:
            tags.append(value)
    fields = {"text": text, "source": source, "points": float(_get(node, "defaultgrade") or 1),
              "explanation": _get(node, "generalfeedback/text")}
    notes: list[str] = []
    answers = node.findall("answer")
    if kind == "multichoice":
        options = []
        for answer in answers:
            option: dict[str, object] = {"text": _get(answer, "text")}
            if float(answer.get("fraction", "0")) > 0:
                option["correct"] = True
            feedback = _get(answer, "feedback/text")
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        single = _get(node, "single").lower() in ("true", "1")
        fields.update(type="single" if single else "multiple", data={"options": options})
    elif kind == "truefalse":
        right = next((a for a in answers if float(a.get("fraction", "0")) > 0), None)
        if right is None:
            raise FormatError("The answer block could not be read.")
        fields.update(type="truefalse", data={"answer": _get(right, "text").lower() == "true"})
    elif kind == "shortanswer":
        fractions = [(float(a.get("fraction", "0")), _get(a, "text")) for a in answers]
        if any(0 < fraction < 100 for fraction, _ in fractions):
            notes.append("Answers with partial credit were left out: a short answer earns full marks or none.")
        fields.update(type="short", data={"answers": [text for fraction, text in fractions if fraction >= 100]})
    elif kind == "matching":
        sides = [(_get(s, "text"), _get(s, "answer/text")) for s in node.findall("subquestion")]
        data: dict[str, object] = {"pairs": [{"left": left, "right": right} for left, right in sides if left]}
        distractors = [right for left, right in sides if not left and right]
        if distractors:
            data["distractors"] = distractors
        fields.update(type="matching", data=data)
    elif kind == "ordering":
        ordered = sorted(answers, key=lambda a: float(a.get("fraction", "0")))
        fields.update(type="ordering", data={"items": [_get(a, "text") for a in ordered]})
    elif kind == "essay":
        fields.update(type="essay", data={"rubric": _get(node, "graderinfo/text")})
    else:
        raise FormatError("Unknown question type.")
    record = {"category": category, "category_title": title, "key": _get(node, "name/text"), "fields": fields,
              "tags": tags}
    if notes:
        record["notes"] = notes
    return record
