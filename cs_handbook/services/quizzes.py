"""AttemptService: start or resume, save (sequence-numbered), finish, grade, sweep, regrade.

The database enforces the rules that concurrency would otherwise break:
a start inserts (quiz, account, number) under a unique constraint and, if a
parallel start won, selects that attempt instead; a save updates a response
only `WHERE seq < :seq`, so a late older save changes nothing; a finish is
`UPDATE ... WHERE state = 'in_progress'`, so only one of two finishes grades.
"""

import random as _random
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, CursorResult, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..clock import Clock
from ..events import QuizAttemptGraded
from ..models.accounts import Account
from ..models.quizzes import Attempt, AttemptQuestion, AttemptState, Question, QuestionVersion, Quiz, QuizGrade
from . import quizzes_grading as grading
from .quizzes_bank import BankService
from .site_settings import SiteSettingsService, declare

# The final submit of a timed attempt may arrive a little after the deadline
# (the page's timer fires at zero, then the request travels): within this many
# seconds its answers are still stored and graded; after it they are refused.
SUBMIT_GRACE_KEY = "quizzes.submit_grace_seconds"
declare(SUBMIT_GRACE_KEY, 30)
MAX_GRACE_SECONDS = 300
# Save numbers are an Integer column: anything larger is refused before it reaches the database.
MAX_SEQ = 2**31 - 1

# The autosave's statements, built once (building them costs more than running them).
# One read gives the attempt's state and the answered questions, the attempt row
# held FOR SHARE (PostgreSQL): saves of one attempt run side by side, while a
# finish (an UPDATE of that row) waits for the saves under way to commit, and a
# save arriving during a finish waits for it and then sees the attempt closed.
_STATE_AND_ANSWERED = (
    select(Attempt.state, Attempt.deadline, AttemptQuestion.id, AttemptQuestion.position, QuestionVersion.type,
           QuestionVersion.data)
    .select_from(Attempt)
    .outerjoin(AttemptQuestion, (AttemptQuestion.attempt_id == Attempt.id)
               & AttemptQuestion.position.in_(bindparam("positions", expanding=True)))
    .outerjoin(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
    .where(Attempt.id == bindparam("attempt_id"))
    .with_for_update(read=True, of=Attempt))
# A save older than the stored one changes nothing: `seq` only grows.
_STORED_NOW = (select(AttemptQuestion.position, AttemptQuestion.answer, AttemptQuestion.seq)
               .where(AttemptQuestion.attempt_id == bindparam("attempt_id"),
                      AttemptQuestion.position.in_(bindparam("positions", expanding=True))))
_STORE = (update(AttemptQuestion)
          .where(AttemptQuestion.id == bindparam("item_id"), AttemptQuestion.seq < bindparam("new_seq"))
          .values(answer=bindparam("new_answer", type_=AttemptQuestion.answer.type), seq=bindparam("new_seq"),
                  saved_at=bindparam("now", type_=AttemptQuestion.saved_at.type))
          .execution_options(synchronize_session=False))


class QuizError(ValueError):
    """A refused action; `msgid` is translatable and `status` the HTTP status to answer with."""

    def __init__(self, msgid: str, status: int = 400):
        super().__init__(msgid)
        self.msgid = msgid
        self.status = status


def store_answers(connection: Connection | Session, now: datetime, attempt_id: int, answers: object, seq: object,
                  grace: timedelta | None = None) -> dict:
    """Store answers {position: answer} of save number `seq` through `connection`; returns {position: stored?}.

    Autosave is the most frequent write of the site: one read (and share lock)
    of the attempt's state with the answered questions, then one conditional
    UPDATE per answer, all Core statements built once. Shared by the service
    (through the request's session) and the autosave's direct path (on a
    connection of its own, `quizzes_autosave`). `answers` and `seq` are as the
    request sent them: anything of the wrong shape raises QuizError before
    anything is written.
    """
    if (not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ
            or not isinstance(answers, dict)):
        raise QuizError("The answer has the wrong shape.")
    positions = {}
    for key in answers:
        text = str(key)
        if not text.isascii() or not text.isdigit() or len(text) > 6 or text != str(int(text)):
            raise QuizError("That question is not in this attempt.")
        positions[key] = int(text)
    found = connection.execute(
        _STATE_AND_ANSWERED, {"attempt_id": attempt_id, "positions": sorted(set(positions.values()))}).all()
    if not found or found[0].state != AttemptState.IN_PROGRESS:
        raise QuizError("This attempt is already finished.", 409)
    if found[0].deadline is not None and now > found[0].deadline + (grace or timedelta(0)):
        raise QuizError("The time limit has passed; the answer was not saved.", 409)
    rows = {row.position: row for row in found if row.id is not None}
    checked = {}
    for key, answer in answers.items():
        row = rows.get(positions[key])
        if row is None:
            raise QuizError("That question is not in this attempt.")
        try:
            checked[row.position] = (row.id, grading.validate(row.type, row.data, answer))
        except grading.AnswerError as error:
            raise QuizError(error.msgid) from error
    stored = {}
    # Rows in one order (by id) in every save, so two saves of several answers cannot deadlock.
    for position, (item_id, answer) in sorted(checked.items(), key=lambda kv: kv[1][0]):
        result = cast(CursorResult, connection.execute(
            _STORE, {"item_id": item_id, "new_seq": seq, "new_answer": answer, "now": now}))
        stored[position] = result.rowcount == 1
    return stored


class AttemptService:
    def __init__(self, dbsession, clock: Clock, notify=None, rng=None):
        self.dbsession = dbsession
        self.clock = clock
        # notify(attempt) tells the other areas (the view passes the request's registry).
        self.notify = notify
        self.rng = rng or _random.Random()

    # -- look-ups ----------------------------------------------------------

    def attempt(self, attempt_id: int) -> Attempt | None:
        return self.dbsession.get(Attempt, attempt_id)

    def attempts_of(self, account_id: int, quiz_id: int | None = None) -> list[Attempt]:
        stmt = select(Attempt).where(Attempt.account_id == account_id).order_by(Attempt.quiz_id, Attempt.number)
        if quiz_id is not None:
            stmt = stmt.where(Attempt.quiz_id == quiz_id)
        return list(self.dbsession.scalars(stmt))

    def grade_of(self, quiz_id: int, account_id: int) -> QuizGrade | None:
        return self.dbsession.scalar(select(QuizGrade).where(QuizGrade.quiz_id == quiz_id,
                                                             QuizGrade.account_id == account_id))

    def is_open(self, quiz: Quiz) -> bool:
        now = self.clock.now()
        return (quiz.open_at is None or quiz.open_at <= now) and (quiz.close_at is None or now < quiz.close_at)

    # -- start -------------------------------------------------------------

    def _open_attempt(self, quiz_id: int, account_id: int) -> Attempt | None:
        return self.dbsession.scalar(select(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.account_id == account_id,
            Attempt.state == AttemptState.IN_PROGRESS))

    def start(self, quiz: Quiz, account_id: int) -> Attempt:
        """Resume the open attempt or make exactly one new one, even when started twice at once."""
        # Starts by one person queue on their account row (PostgreSQL; SQLite's
        # BEGIN IMMEDIATE already serialises writers). Without the lock, a start
        # could miss a parallel one's attempt in its first query, see it in the
        # count that follows, and open a second attempt numbered after it.
        # NO KEY UPDATE leaves other people's rows that reference the account free.
        self.dbsession.execute(select(Account.id).where(Account.id == account_id)
                               .with_for_update(key_share=True))
        for _ in range(3):
            existing = self._open_attempt(quiz.id, account_id)
            if existing is not None:
                return existing
            if not self.is_open(quiz):
                raise QuizError("This quiz is not open.", 409)
            count = self.dbsession.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.quiz_id == quiz.id, Attempt.account_id == account_id)) or 0
            if quiz.attempts_allowed and count >= quiz.attempts_allowed:
                raise QuizError("You have used all your attempts at this quiz.", 409)
            now = self.clock.now()
            deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
            if quiz.close_at and (deadline is None or quiz.close_at < deadline):
                deadline = quiz.close_at
            attempt = Attempt(quiz_id=quiz.id, account_id=account_id, number=count + 1, started_at=now,
                              deadline=deadline, state=AttemptState.IN_PROGRESS)
            savepoint = self.dbsession.begin_nested()
            try:
                self.dbsession.add(attempt)
                self.dbsession.flush()
            except IntegrityError:
                # A parallel start inserted the same number first: use its attempt.
                savepoint.rollback()
                continue
            if not self._lay_out(attempt, quiz):
                # Random slots over empty categories, archived questions only: nothing to answer.
                savepoint.rollback()
                raise QuizError("This quiz has no questions to show yet; please tell a trainer.", 409)
            savepoint.commit()
            return attempt
        raise QuizError("The quiz could not be started; please try again.", 409)

    def _lay_out(self, attempt: Attempt, quiz: Quiz) -> int:
        """Choose and add the attempt's questions; returns how many."""
        seen = set(self.dbsession.scalars(
            select(Question.id).join(Question.versions).join(AttemptQuestion).join(Attempt)
            .where(Attempt.account_id == attempt.account_id)))
        chosen: list[Question] = []
        for slot in quiz.slots:
            # Archived questions are kept for the attempts that showed them, never shown again.
            if slot.question is not None:
                if slot.question not in chosen and slot.question.archived_at is None:
                    chosen.append(slot.question)
                continue
            assert slot.category is not None  # a slot holds a question or draws from a category
            pool = [q for q in slot.category.questions if q not in chosen and q.archived_at is None]
            self.rng.shuffle(pool)
            # Unseen questions first; seen ones fill up only when the category runs short.
            pool.sort(key=lambda q: q.id in seen)
            chosen.extend(pool[:slot.count])
        if quiz.shuffle_questions:
            self.rng.shuffle(chosen)
        for position, question in enumerate(chosen, 1):
            version = question.current
            order = list(range(_choice_count(version)))
            if (quiz.shuffle_options and version.type in ("single", "multiple")) or version.type in (
                    "ordering", "matching"):
                self.rng.shuffle(order)
            self.dbsession.add(AttemptQuestion(attempt=attempt, position=position, version=version, order=order,
                                               seq=0, feedback=""))
        attempt.max_score = sum(q.current.points for q in chosen)
        self.dbsession.flush()
        return len(chosen)

    # -- saving ------------------------------------------------------------

    def submit_grace(self) -> timedelta:
        """How long after the deadline a final submit is still stored (a site setting)."""
        try:
            seconds = int(SiteSettingsService(self.dbsession, self.clock).get(SUBMIT_GRACE_KEY))
        except (TypeError, ValueError):
            seconds = 0
        return timedelta(seconds=max(0, min(seconds, MAX_GRACE_SECONDS)))

    def save(self, attempt: Attempt, answers: dict, seq: int, grace: timedelta | None = None) -> dict:
        """Store answers {position: answer} written by save number `seq`; returns {position: stored?}.

        Everything is checked before anything is written: a bad answer, or one to a
        question not in the attempt, refuses the whole save. `grace` lets the final
        submit of a timed attempt store its answers that long after the deadline.
        """
        self.dbsession.flush()  # pending changes first: `store`'s UPDATEs go past the ORM
        stored = self.store(attempt.id, answers, seq, grace=grace)
        # The UPDATEs went past the ORM: the attempt's questions already loaded would keep their old
        # answers (a reloaded collection reuses the objects still in the identity map), and a finish
        # in the same request would grade those.
        for loaded in list(self.dbsession.identity_map.values()):
            if isinstance(loaded, AttemptQuestion) and loaded.attempt_id == attempt.id:
                self.dbsession.expire(loaded, ["answer", "seq", "saved_at"])
        return stored

    def store(self, attempt_id: int, answers: dict, seq: int, grace: timedelta | None = None) -> dict:
        """`save` by attempt id, without loading the attempt (the autosave endpoint's full path)."""
        # Through the session, not its connection: the transaction then knows it wrote.
        return store_answers(self.dbsession, self.clock.now(), attempt_id, answers, seq, grace)

    def stored_answers(self, attempt_id: int, positions) -> dict:
        """{position: (answer, seq)} as stored now: what a refused (older) save is told to show instead."""
        rows = self.dbsession.execute(_STORED_NOW, {"attempt_id": attempt_id, "positions": sorted(positions)})
        return {row.position: (row.answer, row.seq) for row in rows}

    # -- finishing and grading ---------------------------------------------

    def finish(self, attempt: Attempt, at: datetime | None = None) -> bool:
        """Submit and grade; returns False when another request already did."""
        at = at or self.clock.now()
        if attempt.deadline is not None and at > attempt.deadline:
            at = attempt.deadline
        result = self.dbsession.execute(
            update(Attempt).where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
            .values(state=AttemptState.SUBMITTED, submitted_at=at).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            self.dbsession.refresh(attempt)
            return False
        self.dbsession.refresh(attempt)
        self.grade(attempt)
        return True

    def finish_if_overdue(self, attempt: Attempt) -> bool:
        if (attempt.state == AttemptState.IN_PROGRESS and attempt.deadline is not None
                and self.clock.now() >= attempt.deadline):
            return self.finish(attempt)
        return False

    def grade(self, attempt: Attempt) -> None:
        """(Re)compute the attempt's marks; fully graded attempts update the quiz grade and notify."""
        pending = False
        score = 0.0
        for question in attempt.questions:
            version = question.version
            if version.type == "essay":
                if question.fraction is None:
                    pending = pending or question.answer not in (None, "")
                    if question.answer in (None, ""):
                        question.fraction = 0.0
            else:
                question.fraction = grading.grade(version.type, version.data, question.answer)
            score += (question.fraction or 0.0) * version.points
        attempt.score = score
        # Nothing to score is no pass: an attempt with no marks to earn scores 0 %.
        attempt.score_percent = round(100.0 * score / attempt.max_score, 2) if attempt.max_score > 0 else 0.0
        if pending:
            attempt.state = AttemptState.SUBMITTED
            attempt.passed = None
            self.dbsession.flush()
            return
        attempt.state = AttemptState.GRADED
        attempt.passed = attempt.max_score > 0 and attempt.score_percent >= attempt.quiz.pass_mark
        self.dbsession.flush()
        self._update_grade(attempt.quiz, attempt.account_id)
        if self.notify is not None:
            self.notify(attempt)

    def _update_grade(self, quiz: Quiz, account_id: int) -> None:
        """The person's quiz grade from their graded attempts under the quiz's grading method.

        "first" means the first attempt submitted: while it waits for an essay mark the
        grade waits too, rather than come from a later attempt and change once it is marked.
        """
        finished = self.dbsession.execute(
            select(Attempt.state, Attempt.score_percent).where(
                Attempt.quiz_id == quiz.id, Attempt.account_id == account_id,
                Attempt.state != AttemptState.IN_PROGRESS).order_by(Attempt.number)).all()
        if quiz.grading == "first" and (not finished or finished[0].state != AttemptState.GRADED):
            return
        percents = [row.score_percent for row in finished if row.state == AttemptState.GRADED]
        value = round(grading.combine(quiz.grading, percents), 2)
        grade = self.grade_of(quiz.id, account_id)
        if grade is None:
            grade = QuizGrade(quiz_id=quiz.id, account_id=account_id, grade_percent=value, passed=False,
                              updated_at=self.clock.now())
            self.dbsession.add(grade)
        grade.grade_percent, grade.passed, grade.updated_at = value, value >= quiz.pass_mark, self.clock.now()
        self.dbsession.flush()

    def grade_essay(self, question: AttemptQuestion, fraction: float, feedback: str, grader_id: int) -> None:
        if question.version.type != "essay" or question.attempt.state == AttemptState.IN_PROGRESS:
            raise QuizError("This answer cannot be graded.", 409)
        if not 0.0 <= fraction <= 1.0:
            raise QuizError("The mark must be between 0 and the question's points.")
        question.fraction, question.feedback, question.graded_by_id = fraction, feedback, grader_id
        self.grade(question.attempt)

    def essay_queue(self) -> list[AttemptQuestion]:
        return list(self.dbsession.scalars(
            select(AttemptQuestion).join(Attempt).join(AttemptQuestion.version)
            .where(Attempt.state == AttemptState.SUBMITTED, AttemptQuestion.fraction.is_(None))
            .order_by(Attempt.submitted_at, AttemptQuestion.id)
            .options(selectinload(AttemptQuestion.attempt))))

    def fix_key(self, version, data: dict) -> int:
        """Correct a version's answer key in place and regrade every finished attempt that used it.

        The attempts that showed the version keep what they showed: their option
        orders and answers follow the fix (see `grading.key_fix_remap`).
        """
        from .quizzes_bank import check_question

        try:
            check_question(version.type, data)
            remap = grading.key_fix_remap(version.type, version.data, data)
        except grading.AnswerError as error:
            raise QuizError(error.msgid) from error
        version.data = data
        items = list(self.dbsession.scalars(select(AttemptQuestion).where(AttemptQuestion.version_id == version.id)
                                            .options(selectinload(AttemptQuestion.attempt))))
        for item in items:
            item.order, item.answer = remap(list(item.order), item.answer)
        self.dbsession.flush()
        attempts = sorted({item.attempt for item in items if item.attempt.state != AttemptState.IN_PROGRESS},
                          key=lambda a: a.id)
        for attempt in attempts:
            self.grade(attempt)
        return len(attempts)

    def sweep(self) -> int:
        """Submit and grade every open attempt whose time (and the final submit's grace) ran out."""
        # Waiting out the grace leaves a final submit under way the time to land.
        ids = list(self.dbsession.scalars(select(Attempt.id).where(
            Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline.is_not(None),
            Attempt.deadline <= self.clock.now() - self.submit_grace())))
        done = 0
        for attempt_id in ids:
            done += self.finish(self.dbsession.get_one(Attempt, attempt_id))
        return done


def _choice_count(version) -> int:
    if version.type == "matching":
        return len(grading.rights(version.data))  # distractors are shown among the right-hand sides
    key = {"single": "options", "multiple": "options", "ordering": "items"}.get(version.type)
    return len(version.data.get(key, [])) if key else 0


def _attempt_service(context, request):
    def notify(attempt):
        request.registry.notify(QuizAttemptGraded(
            request=request, account_id=attempt.account_id, quiz_slug=attempt.quiz.slug, attempt_id=attempt.id,
            score_percent=attempt.score_percent, passed=bool(attempt.passed)))

    return AttemptService(request.dbsession, request.find_service(Clock), notify=notify)


def includeme(config):
    config.register_service_factory(_attempt_service, AttemptService)
    config.register_service_factory(
        lambda context, request: BankService(request.dbsession, request.find_service(Clock)), BankService)
    from .quizzes_files import register
    from .quizzes_stats import StatsService

    config.register_service_factory(
        lambda context, request: StatsService(request.dbsession, request.find_service(Clock)), StatsService)

    register(config)
