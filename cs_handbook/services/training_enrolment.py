"""The enrolment half of TrainingService: enrol by hand, enrol automatically when an
account gets a position and a start date, move on a change of position.

Kept apart only to keep modules small; `TrainingService` mixes it in.

A move keeps everything done (progress is per item) and the enrolment's start
date, unless that date only followed the account's and the account's changed.
Accounts that started more than AUTO_ENROL_MAX_DAYS ago are not enrolled
automatically, but once enrolled (by hand) they move like anyone else. An
enrolment or a move counts quizzes passed earlier and may complete the path.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..i18n import _
from ..models.accounts import Account, Position
from ..models.training import Enrolment, PublishState, TrainingPath
from .training_errors import TrainingError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..clock import Clock
    from ..models.training import Certificate

# Accounts whose start date is older than this are not enrolled automatically
# (a manager can still enrol them by hand).
AUTO_ENROL_MAX_DAYS = 90


class EnrolmentMixin:
    """Needs `dbsession`, `clock`, `enrolment_for()`, `path_for_position()`, `sync_quiz_passes()`
    and `_check_complete()` from TrainingService."""

    if TYPE_CHECKING:
        dbsession: Session
        clock: Clock

        def enrolment_for(self, account_id: int) -> Enrolment | None: ...
        def path_for_position(self, code: str) -> TrainingPath | None: ...
        def sync_quiz_passes(self, account: Account, enrolment: Enrolment | None = None) -> None: ...
        def _check_complete(self, account: Account) -> Certificate | None: ...

    def enrol(self, account: Account, path: TrainingPath | None = None, start_date: date | None = None,
              finish_by: date | None = None) -> Enrolment:
        """Enrol `account` (or move them: progress is kept, it is keyed by item)."""
        if not account.is_active:
            raise TrainingError("${name} is disabled and cannot be enrolled.", {"name": account.display_name})
        if path is None:
            code = self._position_code(account)
            path = self.path_for_position(code) if code else None
            if path is None:
                raise TrainingError("There is no onboarding path for this position.")
        if path.state != PublishState.PUBLISHED:
            raise TrainingError("The onboarding path ${path} is not published.", {"path": path.title})
        start_date = start_date or account.start_date
        if start_date is None:
            raise TrainingError("A start date is needed to enrol.")
        if finish_by is not None and finish_by < start_date:
            raise TrainingError("The finish-by date is before the start date.")
        enrolment = self.enrolment_for(account.id)
        if enrolment is None:
            enrolment = Enrolment(account_id=account.id, path_id=path.id, start_date=start_date,
                                  finish_by=finish_by, created_at=self.clock.now())
            self.dbsession.add(enrolment)
        else:
            enrolment.path_id = path.id
            enrolment.start_date = start_date
            enrolment.finish_by = finish_by
            enrolment.completed_at = None
        self.dbsession.flush()
        self.dbsession.expire(enrolment)
        enrolment = self.enrolment_for(account.id)
        assert enrolment is not None  # written just above
        # A quiz passed before the enrolment (or on the old path) counts here too.
        self.sync_quiz_passes(account, enrolment)
        self._check_complete(account)
        return enrolment

    def _position_code(self, account: Account) -> str:
        # Read through the id: the relationship is stale right after position_id changes.
        position = self.dbsession.get(Position, account.position_id) if account.position_id else None
        return position.code if position else ""

    def is_veteran(self, account: Account) -> bool:
        """Started too long ago to be enrolled automatically."""
        return (account.start_date is not None
                and account.start_date < self.clock.now().date() - timedelta(days=AUTO_ENROL_MAX_DAYS))

    def not_enrolled_reason(self, account: Account) -> tuple[str, dict]:
        """Why automatic enrolment left `account` out, as a translatable msgid and its mapping."""
        if account.position_id is None:
            return _("No position."), {}
        if account.start_date is None:
            return _("No start date."), {}
        code = self._position_code(account)
        path = self.path_for_position(code)
        if path is None:
            return _("No onboarding path for position ${position}."), {"position": code}
        if path.state != PublishState.PUBLISHED:
            return _("The onboarding path ${path} is not published."), {"path": path.title}
        if self.is_veteran(account):
            return (_("Started on ${date}, more than ${days} days ago: not enrolled automatically."),
                    {"date": account.start_date.isoformat(), "days": str(AUTO_ENROL_MAX_DAYS)})
        return _("Not enrolled yet."), {}

    def on_account_changed(self, account: Account, before: dict) -> None:
        """Enrol on position + start date; move on a change of position (whoever enrolled them)."""
        if not account.is_active or account.position_id is None or account.start_date is None:
            return
        path = self.path_for_position(self._position_code(account))
        if path is not None and path.state != PublishState.PUBLISHED:
            path = None
        enrolment = self.enrolment_for(account.id)
        moved = before.get("position_id") != account.position_id
        # The enrolment followed the account's start date unless a manager chose another one.
        follows_start = enrolment is not None and enrolment.start_date == before.get("start_date")
        if enrolment is not None:
            start = account.start_date if follows_start else enrolment.start_date
            if moved and path is not None and path.id != enrolment.path_id:
                self.enrol(account, path, start, enrolment.finish_by)
            elif start != enrolment.start_date:
                finish_by = enrolment.finish_by if enrolment.finish_by is None or enrolment.finish_by >= start \
                    else None
                self.enrol(account, enrolment.path, start, finish_by)
            return
        if self.is_veteran(account) or path is None:
            return  # a veteran's record being filled in is not a new hire
        self.enrol(account, path, account.start_date)
