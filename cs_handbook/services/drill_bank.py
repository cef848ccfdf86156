"""Quiz-bank questions as drill items: kept in step with the bank, shown, and graded by the quiz rules.

A bank item copies what lists need (prompt, explanation, source) and points
at the question and its current version; the version's own data is what the
page shows and what `quizzes_grading` marks, so a corrected answer key
counts at once. When a question gets a new current version the item follows
it and its cards are flagged, as for a republished document. Essays cannot
be marked automatically and never become items; archived or deleted
questions send their items to needs-review (cards kept).

The bank has no paragraph anchors (a question names only its document), so
the whole document counts as the question's "source paragraph": at most one
question per document on a person's day.
"""

import functools
import random
from dataclasses import dataclass, field

from sqlalchemy import func, select, true, update
from sqlalchemy.exc import IntegrityError

from ..models.documents import Document
from ..models.drill import DrillCard, DrillItem, ItemKind, ItemStatus
from ..models.quizzes import Question, QuestionCategory, QuestionVersion
from .drill_generate import section_of
from .quizzes_grading import AnswerError, correct_answer, grade, validate

DRILL_TYPES = ("single", "multiple", "truefalse", "short", "ordering", "matching")
WHOLE_DOCUMENT = "document"


@dataclass
class BankSync:
    created: int = 0
    updated: int = 0
    retired: int = 0
    keys: list = field(default_factory=list)
    new_versions: list = field(default_factory=list)  # ids of items whose question got a new version


def item_key(category_slug: str, question_key: str) -> str:
    return f"bank:{category_slug}/{question_key}"


def _source(version_source: str, category_slug: str) -> tuple[str, str]:
    slug, _, anchor = (version_source or "").partition("#")
    return (slug or f"bank/{category_slug}"), (anchor or WHOLE_DOCUMENT)


def _live():
    """Questions not archived. The bank's archive is landing alongside this code (quizzes area), so
    the column is looked up rather than imported: the drill works with and without it."""
    archived = getattr(Question, "archived_at", None)
    return archived.is_(None) if archived is not None else true()


def in_step(dbsession) -> bool:
    """Do the bank items already match the bank? One aggregate query, so every queue build can ask.

    Versions only ever get added, with growing ids, so a new current version raises the bank's highest
    current version id; a new question, or one that became an essay, changes the count. Items held back
    for review do not count as matching.
    """
    bank_n, bank_top, items_n, items_top = dbsession.execute(_in_step_statement()).one()
    return (bank_n, bank_top) == (items_n, items_top)


@functools.cache
def _in_step_statement():
    """Built once (the queue build asks on every first visit of the day); it has no parameters."""
    current = (select(func.count().label("n"), func.max(QuestionVersion.id).label("top"))
               .join(Question, (Question.id == QuestionVersion.question_id)
                     & (Question.current_number == QuestionVersion.number))
               .where(QuestionVersion.type.in_(DRILL_TYPES), _live())).subquery()
    synced = select(func.count().label("n"), func.max(DrillItem.question_version_id).label("top")).where(
        DrillItem.kind == ItemKind.BANK_QUESTION, DrillItem.status != ItemStatus.NEEDS_REVIEW).subquery()
    return select(current.c.n, current.c.top, synced.c.n, synced.c.top).select_from(current.join(synced, true()))


def sync(dbsession, now, force: bool = False) -> BankSync:
    """Make the bank items match the bank's current versions; writes only on change."""
    if not force and in_step(dbsession):
        return BankSync()
    rows = dbsession.execute(
        select(Question.id, Question.key, QuestionCategory.slug, QuestionCategory.title, QuestionVersion.id,
               QuestionVersion.number, QuestionVersion.type, QuestionVersion.text, QuestionVersion.explanation,
               QuestionVersion.source)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == Question.current_number))
        .where(_live())).all()
    items = {i.key: i for i in dbsession.scalars(select(DrillItem).where(DrillItem.kind == ItemKind.BANK_QUESTION))}
    report = BankSync()
    wanted = {}
    for qid, qkey, cat_slug, cat_title, vid, number, qtype, text, explanation, source in rows:
        if qtype in DRILL_TYPES:
            wanted[item_key(cat_slug, qkey)] = (qid, cat_slug, cat_title, vid, number, qtype, text, explanation,
                                                source)
    changed = [k for k, w in wanted.items() if k not in items or items[k].question_version_id != w[3]
               or items[k].status == ItemStatus.NEEDS_REVIEW]
    titles = {}
    if changed:
        slugs = {_source(wanted[k][8], wanted[k][1])[0] for k in changed}
        titles = dict(dbsession.execute(select(Document.slug, Document.title).where(Document.slug.in_(slugs))).all())
    for key in changed:
        qid, cat_slug, cat_title, vid, number, qtype, text, explanation, source = wanted[key]
        slug, anchor = _source(source, cat_slug)
        fields = {"kind": ItemKind.BANK_QUESTION, "prompt": text, "payload": {"qtype": qtype}, "answer": {},
                  "explanation": explanation, "source_slug": slug, "source_kind": "question",
                  "source_title": titles.get(slug, cat_title)[:300], "source_version": str(number),
                  "source_anchor": anchor, "section": section_of(slug), "content_hash": f"version:{vid}",
                  "question_id": qid, "question_version_id": vid, "updated_at": now}
        item = items.get(key)
        if item is None or item.status == ItemStatus.NEEDS_REVIEW:
            fields["status"] = ItemStatus.ACTIVE  # a trainer's suspension outlives new versions
        if item is None:
            try:
                # Two people's first queue of the day may sync at once: the loser keeps the winner's row.
                with dbsession.begin_nested():
                    dbsession.add(DrillItem(key=key, created_at=now, **fields))
            except IntegrityError:
                continue
            report.created += 1
        else:
            if item.question_version_id != vid:
                report.new_versions.append(item.id)
                dbsession.execute(update(DrillCard).where(DrillCard.item_id == item.id, DrillCard.due > now)
                                  .values(due=now))
                dbsession.execute(update(DrillCard).where(DrillCard.item_id == item.id).values(source_changed=True))
            for name, value in fields.items():
                setattr(item, name, value)
            report.updated += 1
        report.keys.append(key)
    for key, item in items.items():
        if key not in wanted and item.status != ItemStatus.NEEDS_REVIEW:
            # Gone from the bank, archived, or now an essay: held back until a trainer looks (suspended ones too,
            # or `in_step` would never agree again).
            item.status, item.updated_at = ItemStatus.NEEDS_REVIEW, now
            report.retired += 1
    dbsession.flush()
    return report


def version_of(dbsession, item: DrillItem) -> QuestionVersion | None:
    return dbsession.get(QuestionVersion, item.question_version_id) if item.question_version_id else None


def _ints(values) -> list[int]:
    if not values:
        raise ValueError("no answer")  # an empty form is a missing answer, not a wrong one
    return [int(v) for v in values]


def typed_answer(qtype: str, response: dict):
    """The quiz engine's answer shape from the drill form's fields (strings); ValueError when unreadable."""
    if qtype == "single":
        return int(response["value"])
    if qtype == "multiple":
        return _ints(response.get("values") or ())
    if qtype == "truefalse":
        return {"true": True, "false": False}[response["value"]]
    if qtype == "short":
        return str(response["value"])  # the form refuses an empty value
    if qtype == "ordering":
        return _ints(response.get("order") or ())
    if qtype == "matching":
        given = response.get("match") or ()
        if not any(given):
            raise ValueError("no answer")
        return [int(v) if v != "" else None for v in given]
    raise ValueError(qtype)


def mark(version: QuestionVersion, response: dict) -> bool:
    """Right only when the quiz rules give full marks (partial credit is a lapse for memory's sake).

    Raises AnswerError (translatable) or ValueError for an answer of the wrong shape.
    """
    answer = validate(version.type, version.data, typed_answer(version.type, response))
    fraction = grade(version.type, version.data, answer)
    return fraction is not None and fraction >= 1.0 - 1e-9


def right_form(version: QuestionVersion) -> dict:
    """The drill form's fields of a full-marks answer (the demo and the benchmark answer with it)."""
    answer = correct_answer(version.type, version.data)
    if version.type in ("multiple", "ordering", "matching"):
        return {{"multiple": "values", "ordering": "order", "matching": "match"}[version.type]:
                [str(a) for a in answer]}
    if version.type == "truefalse":
        return {"value": "true" if answer else "false"}
    return {"value": str(answer)}


def _order(n: int, seed: str) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def present(item: DrillItem, version: QuestionVersion) -> dict:
    """What the page shows: option, item and pair numbers in a shuffled but stable order per item."""
    data = version.data
    shown: dict[str, object] = {"qtype": version.type}
    if version.type in ("single", "multiple"):
        options = data.get("options") or []
        shown["options"] = [(i, options[i]["text"]) for i in _order(len(options), item.key)]
    elif version.type == "ordering":
        items = data.get("items") or []
        order = _order(len(items), item.key)
        if order == sorted(order) and len(order) > 1:
            order = order[1:] + order[:1]
        shown["items"] = [(i, items[i]) for i in order]
    elif version.type == "matching":
        pairs = data.get("pairs") or []
        shown["lefts"] = [(i, p["left"]) for i, p in enumerate(pairs)]
        shown["rights"] = [(i, pairs[i]["right"]) for i in _order(len(pairs), item.key)]
    return shown


def right_answer(version: QuestionVersion) -> dict:
    """The answer as the feedback shows it: texts, or a boolean for true/false."""
    data = version.data
    if version.type == "truefalse":
        return {"boolean": bool(data.get("answer"))}
    if version.type in ("single", "multiple"):
        texts = [o["text"] for o in data.get("options") or () if o.get("correct")]
    elif version.type == "short":
        texts = list(data.get("answers") or ())[:1]
    elif version.type == "ordering":
        texts = [" → ".join(data.get("items") or ())]
    else:
        texts = [f"{p['left']} → {p['right']}" for p in data.get("pairs") or ()]
    return {"texts": texts}


__all__ = ["AnswerError", "BankSync", "DRILL_TYPES", "mark", "present", "right_answer", "sync", "version_of"]
