"""Bank import/export in GIFT and Moodle XML, categories kept.

Import decodes UTF-8 or refuses the file; each bad question is reported by
its position and reason while the others import (each in its own savepoint,
so a refused one leaves nothing behind).
"""

from dataclasses import dataclass, field

from .quizzes_bank import BankService
from .quizzes_gift import export_gift, parse_gift
from .quizzes_grading import AnswerError
from .quizzes_moodlexml import export_moodle_xml, parse_moodle_xml

FORMATS = {"gift": (parse_gift, export_gift), "xml": (parse_moodle_xml, export_moodle_xml)}
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: str = ""  # msgid when the whole file was refused
    errors: list[tuple[int, str]] = field(default_factory=list)


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
        key = record["key"]
        if not key or not key.isascii() or len(key) > 100 or any(ch.isspace() for ch in key):
            key = f"imported-{position}"
        savepoint = session.begin_nested()
        try:
            slug = record["category"][:100]
            if slug not in categories:
                categories[slug] = bank.category(slug) or bank.ensure_category(slug, record["category_title"][:200])
            _, status = bank.save_question(categories[slug], key, record["fields"], record["tags"])
            savepoint.commit()
        except AnswerError as error:
            savepoint.rollback()
            categories.pop(record["category"][:100], None)
            result.errors.append((position, error.msgid))
            continue
        setattr(result, status, getattr(result, status) + 1)
    result.errors.sort()
    return result
