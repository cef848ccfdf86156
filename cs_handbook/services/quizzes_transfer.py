"""Bank import/export in GIFT and Moodle XML, categories kept.

Import decodes UTF-8 or refuses the file; each bad question is reported by
its position and reason while the others import (each in its own savepoint,
so a refused one leaves nothing behind).

An import adds questions and never changes one already in the bank, as
Moodle's does: a question keeps its title as key when the title is a valid
key, else gets one derived from its content (`q-<hash>`, the same on every
import of the same question); a key already held by a question with other
content gets the content hash appended, and the report says so. Importing
the same file twice therefore changes nothing.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

from .quizzes_bank import BankService
from .quizzes_gift import export_gift, parse_gift
from .quizzes_grading import AnswerError
from .quizzes_moodlexml import export_moodle_xml, parse_moodle_xml

FORMATS = {"gift": (parse_gift, export_gift), "xml": (parse_moodle_xml, export_moodle_xml)}
MAX_BYTES = 5 * 1024 * 1024
MAX_KEY = 100
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: str = ""  # msgid when the whole file was refused
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Imported, with something the trainer should know: (position, msgid, mapping).
    notes: list[tuple[int, str, dict]] = field(default_factory=list)


def content_digest(category: str, fields: dict) -> str:
    """A hash of what the question asks and accepts: equal questions, equal digests."""
    canonical = json.dumps([category, fields["type"], fields["text"], fields["data"]], ensure_ascii=False,
                           sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _title_key(title: str) -> str | None:
    return title if title and len(title) <= MAX_KEY and _KEY.match(title) else None


def bank_records(bank: BankService) -> list[dict]:
    records = []
    for category in bank.categories():
        for question in sorted(category.questions, key=lambda q: q.position):
            version = question.current
            records.append({"category": category.slug, "category_title": category.title, "key": question.key,
                            "tags": list(question.tags),
                            "fields": {"type": version.type, "text": version.text, "source": version.source,
                                       "points": version.points, "explanation": version.explanation,
                                       "data": version.data}})
    return records


def export_bank(bank: BankService, fmt: str) -> str:
    return FORMATS[fmt][1](bank_records(bank))


def import_bank(bank: BankService, raw: bytes, fmt: str) -> ImportResult:
    result = ImportResult()
    if len(raw) > MAX_BYTES:
        result.refused = "The file is too large."
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.refused = "The file is not UTF-8 text; nothing was imported."
        return result
    records, errors = FORMATS[fmt][0](text)
    if errors and errors[0][0] == 0:
        result.refused = errors[0][1]
        return result
    result.errors = list(errors)
    session = bank.dbsession
    categories = {}
    for record in records:
        position = record["position"]
        savepoint = session.begin_nested()
        try:
            slug = record["category"][:100]
            if slug not in categories:
                categories[slug] = bank.category(slug) or bank.ensure_category(slug, record["category_title"][:200])
            category = categories[slug]
            digest = content_digest(slug, record["fields"])
            key = _title_key(record["key"]) or f"q-{digest}"
            existing = bank.question_in(category, key)
            if existing is not None and not bank.same_content(existing.current, record["fields"]):
                # Taken by another question: this one is added beside it, never over it.
                key = f"{key[:MAX_KEY - len(digest) - 1]}-{digest}"
                existing = bank.question_in(category, key)
                if existing is not None and not bank.same_content(existing.current, record["fields"]):
                    raise AnswerError("A question with this key already exists in this category.")
                result.notes.append((position, "Its key was taken by another question; it was imported as ${key}.",
                                     {"key": key}))
            _, status = bank.save_question(category, key, record["fields"],
                                           existing.tags if existing is not None else record["tags"])
            savepoint.commit()
            result.notes.extend((position, msgid, {}) for msgid in record.get("notes", ()))
        except AnswerError as error:
            savepoint.rollback()
            categories.pop(record["category"][:100], None)
            result.errors.append((position, error.msgid))
            continue
        setattr(result, status, getattr(result, status) + 1)
    result.notes.sort(key=lambda note: note[0])
    result.errors.sort()
    return result
