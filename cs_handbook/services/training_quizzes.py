"""The quiz half of TrainingService: a quiz item is done once its person passed the quiz —
at any time, so a pass before the enrolment, a move or the item itself counts.

Kept apart only to keep modules small; `TrainingService` mixes it in. The quiz
area is reached through its models only (loose coupling: it notifies
`QuizAttemptGraded`, it never calls us).
"""

from typing import TYPE_CHECKING

from sqlalchemy import select

from ..models.accounts import Account
from ..models.training import CourseItem, Enrolment, ItemKind, ProgressState

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models.training import Certificate


class QuizProgressMixin:
    """Needs `dbsession`, `enrolment_for()`, `_set_state()` and `_check_complete()` from TrainingService."""

    if TYPE_CHECKING:
        dbsession: Session

        def enrolment_for(self, account_id: int) -> Enrolment | None: ...
        def _set_state(self, account_id: int, item_id: int, state: str) -> None: ...
        def _check_complete(self, account: Account) -> Certificate | None: ...

    def _passing_attempts(self, quiz_slugs: set[str], account_id: int | None = None) -> list[tuple[int, str]]:
        """(account id, quiz slug) of graded attempts that passed."""
        if not quiz_slugs:
            return []
        from ..models.quizzes import Attempt, Quiz

        query = (select(Attempt.account_id, Quiz.slug).join(Quiz, Quiz.id == Attempt.quiz_id)
                 .where(Quiz.slug.in_(quiz_slugs), Attempt.passed.is_(True)).distinct())
        if account_id is not None:
            query = query.where(Attempt.account_id == account_id)
        return list(self.dbsession.execute(query).all())

    def sync_quiz_passes(self, account: Account, enrolment: Enrolment | None = None) -> None:
        """Mark done the quiz items of the person's path whose quiz they passed at any time."""
        enrolment = enrolment or self.enrolment_for(account.id)
        if enrolment is None:
            return
        items = [item for step in enrolment.path.steps for item in step.course.active_items
                 if item.kind == ItemKind.QUIZ]
        passed = {slug for _account, slug in self._passing_attempts({i.target for i in items}, account.id)}
        for item in items:
            if item.target in passed:
                self._set_state(account.id, item.id, ProgressState.DONE)

    def sync_quiz_items(self, items: list[CourseItem]) -> set[int]:
        """Mark these quiz items done for everyone who passed their quiz; returns the accounts touched."""
        by_slug: dict[str, list[CourseItem]] = {}
        for item in items:
            if item.kind == ItemKind.QUIZ and item.retired_at is None:
                by_slug.setdefault(item.target, []).append(item)
        touched = set()
        for account_id, slug in self._passing_attempts(set(by_slug)):
            for item in by_slug[slug]:
                self._set_state(account_id, item.id, ProgressState.DONE)
                touched.add(account_id)
        return touched

    def quiz_graded(self, account_id: int, quiz_slug: str, passed: bool) -> None:
        if not passed:
            return
        account = self.dbsession.get(Account, account_id)
        if account is None:
            return
        # Every item of that quiz, on this path or not: progress is per item, so a
        # later enrolment or move finds it done.
        for item in self.dbsession.scalars(select(CourseItem).where(
                CourseItem.kind == ItemKind.QUIZ, CourseItem.target == quiz_slug, CourseItem.retired_at.is_(None))):
            self._set_state(account_id, item.id, ProgressState.DONE)
        self._check_complete(account)
