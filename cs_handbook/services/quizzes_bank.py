"""BankService: categories, versioned questions and quizzes (the trainer's side).

Saving a question whose content changed makes a new version; attempts keep
pointing at the version they showed. Fixing an answer key is different: it
corrects the version in place and regrades every attempt that used it.
"""

import math
import re

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..models.quizzes import (
    REVIEW_PARTS,
    AttemptQuestion,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizSlot,
    QuizStats,
    ReviewWhen,
)
from .quizzes_grading import AnswerError

VERSION_FIELDS = ("type", "text", "source", "points", "explanation", "data")
MIN_POINTS, MAX_POINTS = 0.1, 100.0
MAX_SOURCE = 300  # the column
MAX_KEY = 100
MAX_RANDOM = 100  # questions one random slot may draw
TYPE_FIELDS = {
    "single": ("options",), "multiple": ("options",), "truefalse": ("answer",), "short": ("answers",),
    "ordering": ("items",), "matching": ("pairs", "distractors"), "essay": ("rubric",),
}


def check_question(qtype: str, data: dict) -> None:
    """Refuse a question its type cannot grade (raises AnswerError with a translatable msgid)."""
    if qtype not in TYPE_FIELDS:
        raise AnswerError("Unknown question type.")
    if qtype in ("single", "multiple"):
        options = data.get("options") or []
        if len(options) < 2 or not all(isinstance(o, dict) and str(o.get("text", "")).strip() for o in options):
            raise AnswerError("A choice question needs at least two options with text.")
        correct = sum(1 for o in options if o.get("correct"))
        if correct == 0 or (qtype == "single" and correct != 1):
            raise AnswerError("Mark the correct option (exactly one for single choice).")
    elif qtype == "truefalse" and not isinstance(data.get("answer"), bool):
        raise AnswerError("A true/false question needs answer true or false.")
    elif qtype == "short" and not [a for a in data.get("answers") or [] if str(a).strip()]:
        raise AnswerError("A short-answer question needs at least one accepted answer.")
    elif qtype == "ordering" and len(data.get("items") or []) < 2:
        raise AnswerError("An ordering question needs at least two items.")
    elif qtype == "matching":
        pairs = data.get("pairs") or []
        if len(pairs) < 2 or not all(isinstance(p, dict) and p.get("left") and p.get("right") for p in pairs):
            raise AnswerError("A matching question needs at least two pairs.")
        distractors = data.get("distractors", [])
        if not isinstance(distractors, list) or not all(isinstance(d, str) and d.strip() for d in distractors):
            raise AnswerError("A distractor needs its text.")


# C0 and C1 controls but tab, newline and carriage return: XML 1.0 cannot carry them, nor a page show them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(value) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(has_control(v) for v in value.values())
    if isinstance(value, list):
        return any(has_control(v) for v in value)
    return False


def check_fields(fields: dict) -> None:
    """What every way in (editor, import, files) must respect, whatever its own form checks."""
    if has_control([fields.get("text"), fields.get("source"), fields.get("explanation"), fields.get("data")]):
        raise AnswerError("The question contains control characters; remove them.")
    points = fields.get("points")
    if (not isinstance(points, (int, float)) or isinstance(points, bool) or not math.isfinite(points)
            or not MIN_POINTS <= points <= MAX_POINTS):
        raise AnswerError("The points must be a number from 0.1 to 100.")
    if len(fields.get("source") or "") > MAX_SOURCE:
        raise AnswerError("The source document's name is longer than 300 characters.")
    if not str(fields.get("text") or "").strip():
        raise AnswerError("A question needs its text.")
    check_question(fields["type"], fields["data"])


def review_settings(value) -> dict:
    """The quiz's review columns from one `ReviewWhen` for every part, or a {part: when} mapping.

    Parts left out of a mapping are shown after submitting; anything else raises AnswerError.
    """
    whens = {w.value for w in ReviewWhen}
    if isinstance(value, str):
        value = dict.fromkeys(REVIEW_PARTS, value)
    if not isinstance(value, dict) or set(value) - set(REVIEW_PARTS):
        raise AnswerError("Unknown grading method or review option.")
    out = {f"review_{part}": value.get(part, ReviewWhen.AFTER_SUBMIT.value) for part in REVIEW_PARTS}
    if not set(out.values()) <= whens:
        raise AnswerError("Unknown grading method or review option.")
    return out


class BankService:
    def __init__(self, dbsession, clock: Clock):
        self.dbsession = dbsession
        self.clock = clock

    # -- categories and questions ------------------------------------------

    def categories(self) -> list[QuestionCategory]:
        return list(self.dbsession.scalars(
            select(QuestionCategory).order_by(QuestionCategory.slug)
            .options(selectinload(QuestionCategory.questions).selectinload(Question.versions))))

    def category(self, slug: str) -> QuestionCategory | None:
        return self.dbsession.scalar(select(QuestionCategory).where(QuestionCategory.slug == slug))

    def ensure_category(self, slug: str, title: str, description: str = "") -> QuestionCategory:
        category = self.category(slug)
        if category is None:
            category = QuestionCategory(slug=slug, title=title, description=description)
            self.dbsession.add(category)
            self.dbsession.flush()
        else:
            category.title, category.description = title, description
        return category

    def question(self, ident: str) -> Question | None:
        slug, _, key = ident.partition("/")
        return self.dbsession.scalar(
            select(Question).join(QuestionCategory).where(QuestionCategory.slug == slug, Question.key == key))

    def question_in(self, category: QuestionCategory, key: str) -> Question | None:
        return self.dbsession.scalar(select(Question).where(Question.category_id == category.id, Question.key == key))

    def save_question(self, category: QuestionCategory, key: str, fields: dict, tags=(), position=None) -> tuple:
        """Create or update; returns (question, "created" | "updated" | "unchanged")."""
        check_fields(fields)
        if not key or len(key) > MAX_KEY:
            raise AnswerError("A question needs an ascii key.")
        question = self.question_in(category, key)
        now = self.clock.now()
        if question is None:
            question = Question(category=category, key=key, tags=list(tags), current_number=1,
                                position=position if position is not None else len(category.questions))
            self.dbsession.add(question)
            self.dbsession.add(QuestionVersion(question=question, number=1, created_at=now, **fields))
            self.dbsession.flush()
            return question, "created"
        status = "unchanged"
        if list(question.tags) != list(tags) or (position is not None and question.position != position):
            question.tags = list(tags)
            if position is not None:
                question.position = position
            status = "updated"
        if not self.same_content(question.current, fields):
            number = (self.dbsession.scalar(select(func.max(QuestionVersion.number))
                                            .where(QuestionVersion.question_id == question.id)) or 0) + 1
            self.dbsession.add(QuestionVersion(question=question, number=number, created_at=now, **fields))
            question.current_number = number
            status = "updated"
        self.dbsession.flush()
        self.dbsession.refresh(question, ["versions"])
        return question, status

    @staticmethod
    def same_content(version: QuestionVersion, fields: dict) -> bool:
        return all(getattr(version, f) == fields[f] for f in VERSION_FIELDS)

    def is_used(self, question: Question) -> bool:
        """Whether an attempt showed any version of it (then it may be archived, never deleted)."""
        return self.dbsession.scalar(
            select(AttemptQuestion.id).join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
            .where(QuestionVersion.question_id == question.id).limit(1)) is not None

    def quizzes_using(self, question: Question) -> list[Quiz]:
        return list(self.dbsession.scalars(
            select(Quiz).join(QuizSlot).where(QuizSlot.question_id == question.id).order_by(Quiz.slug).distinct()))

    def archive(self, question: Question) -> None:
        if question.archived_at is None:
            question.archived_at = self.clock.now()
            self.dbsession.flush()

    def restore(self, question: Question) -> None:
        question.archived_at = None
        self.dbsession.flush()

    def delete(self, question: Question) -> None:
        """Delete a question no attempt used and no quiz names; otherwise raise AnswerError."""
        if self.is_used(question):
            raise AnswerError("Attempts used this question: archive it instead.")
        if self.quizzes_using(question):
            raise AnswerError("A quiz uses this question: take it out of the quiz first.")
        self.dbsession.delete(question)
        self.dbsession.flush()

    # -- quizzes -----------------------------------------------------------

    def quizzes(self) -> list[Quiz]:
        return list(self.dbsession.scalars(select(Quiz).order_by(Quiz.slug)))

    def quiz(self, slug: str) -> Quiz | None:
        return self.dbsession.scalar(select(Quiz).where(Quiz.slug == slug))

    def save_quiz(self, slug: str, settings: dict, fixed=(), random=(), slots=None) -> tuple:
        """Create or update a quiz and its slots; unknown question ids or categories raise AnswerError.

        `settings` holds the quiz's columns; its review may come as one `review` (see `review_settings`).
        The slots, in the order the quiz lays them out: `slots`, a list of question ids
        ("<category>/<key>") and (category slug, count) pairs, or else the `fixed` ids then the `random` pairs.
        """
        if "review" in settings:
            settings = {**{k: v for k, v in settings.items() if k != "review"}, **review_settings(settings["review"])}
        wanted = list(slots) if slots is not None else [*fixed, *random]
        slots = []
        quiz = self.quiz(slug)
        already = {s.question_id for s in quiz.slots} if quiz is not None else set()
        for slot in wanted:
            if isinstance(slot, str):
                question = self.question(slot)
                if question is None:
                    raise AnswerError("Unknown question.")
                if question.archived_at is not None and question.id not in already:
                    raise AnswerError("An archived question cannot be added to a quiz.")
                slots.append((question.id, None, 1))
                continue
            slug_, count = slot
            category = self.category(slug_)
            if category is None:
                raise AnswerError("Unknown category.")
            if not isinstance(count, int) or not 1 <= count <= MAX_RANDOM:
                raise AnswerError("A random slot draws from 1 to 100 questions.")
            slots.append((None, category.id, count))
        status = "unchanged"
        if quiz is None:
            quiz = Quiz(slug=slug, **settings)
            self.dbsession.add(quiz)
            status = "created"
        else:
            for name, value in settings.items():
                if getattr(quiz, name) != value:
                    setattr(quiz, name, value)
                    status = "updated"
        current = [(s.question_id, s.category_id, s.count) for s in quiz.slots]
        if current != slots:
            quiz.slots.clear()
            self.dbsession.flush()
            for position, (qid, cid, count) in enumerate(slots, 1):
                quiz.slots.append(QuizSlot(position=position, question_id=qid, category_id=cid, count=count))
            status = "updated" if status == "unchanged" else status
        self.dbsession.flush()
        if status == "created":
            # The statistics row exists from the start: a run locks it (and a second run skips it)
            # instead of racing to insert it.
            self.dbsession.add(QuizStats(quiz_id=quiz.id, data={}, teams={}))
            self.dbsession.flush()
        return quiz, status

