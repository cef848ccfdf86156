"""The supervision half of TrainingService: sign-off requests and decisions, the
overdue sweep and the notices both leave.

Kept apart only to keep modules small; `TrainingService` mixes it in, so
callers see one service.

Who is asked to sign off: the person's mentor (an active account); without
one, every manager of their team. Nobody signs off their own task, and every
decision carries a note. Two requests or two decisions arriving at once are
settled by the database: a partial unique index allows one open request per
person and task, and a decision locks its request's row first.

The sweep leaves at most one overdue notice per person: "N items overdue",
to the person (linking their onboarding) and to their mentor and team
managers (linking the person's page), renewed only when the count changes.
When items get done the notice's count follows, and it goes at zero.
"""

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..models.accounts import Account, Grant, Scope, ScopedRole
from ..models.notices import Notice
from ..models.training import Enrolment, ItemKind, OverdueMark, ProgressState, SignOff
from .training_errors import TrainingError, TrainingForbidden

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..clock import Clock
    from ..models.training import Certificate
    from .notices import NoticeService
    from .training import ItemRow, Summary

OVERDUE_SELF = "${count} onboarding items are overdue."
OVERDUE_OTHERS = "${name}: ${count} onboarding items are overdue."


class SupervisionMixin:
    """Needs `dbsession`, `clock`, `notices`, `link()`, `summary()`, `item_on_path()`,
    `_set_state()`, `_check_complete()` and `managers_of()` from TrainingService."""

    if TYPE_CHECKING:
        dbsession: Session
        clock: Clock
        notices: NoticeService

        def link(self, route: str, **kw) -> str: ...
        def enrolment_for(self, account_id: int) -> Enrolment | None: ...
        def summary(self, account: Account, enrolment: Enrolment | None = None) -> Summary: ...
        def item_on_path(self, account: Account, item_id: int) -> ItemRow | None: ...
        def _set_state(self, account_id: int, item_id: int, state: str) -> None: ...
        def _check_complete(self, account: Account) -> Certificate | None: ...
        def managers_of(self, person: Account) -> list[int]: ...

    # -- sign-off requests ------------------------------------------------

    def active_mentor_id(self, person: Account) -> int | None:
        if person.mentor_id is None:
            return None
        mentor = self.dbsession.get(Account, person.mentor_id)
        return mentor.id if mentor is not None and mentor.is_active else None

    def request_signoff(self, account: Account, item_id: int, note: str = "") -> SignOff:
        """Ask for a sign-off; the notice goes to the mentor, or to the team's managers without one."""
        row = self.item_on_path(account, item_id)
        if row is None or row.item.kind != ItemKind.PRACTICAL:
            raise TrainingError("Only practical tasks are signed off.")
        if row.done:
            raise TrainingError("This task is already signed off.")
        if self.open_signoff(account.id, item_id) is not None:
            raise TrainingError("A sign-off for this task is already waiting.")
        mentor_id = self.active_mentor_id(account)
        asked = [mentor_id] if mentor_id else self.managers_of(account)
        if not asked:
            raise TrainingError("Nobody can sign this task off yet: you have no mentor and your team no manager. "
                                "Ask to be given a mentor.")
        signoff = SignOff(account_id=account.id, item_id=item_id, requested_at=self.clock.now(), request_note=note)
        try:
            with self.dbsession.begin_nested():
                self.dbsession.add(signoff)
        except IntegrityError:
            # The same request, sent twice at once: the other one got in first.
            raise TrainingError("A sign-off for this task is already waiting.") from None
        self._set_state(account.id, item_id, ProgressState.REQUESTED)
        link = self.link("training.mentees") if mentor_id else self.link("training.team")
        for supervisor_id in asked:
            self.notices.leave(supervisor_id, "training.signoff", "${name} asks you to sign off ${task}.",
                               self._request_notice_key(signoff),
                               {"name": account.display_name, "task": row.item.title}, link=link)
        return signoff

    @staticmethod
    def _request_notice_key(signoff: SignOff) -> str:
        return f"training-signoff-{signoff.id}"

    def open_signoff(self, account_id: int, item_id: int) -> SignOff | None:
        return self.dbsession.scalar(select(SignOff).where(
            SignOff.account_id == account_id, SignOff.item_id == item_id, SignOff.decided_at.is_(None)))

    def can_supervise(self, actor: Account, person: Account) -> bool:
        """The person's mentor, or a manager of their team — never the person themselves."""
        if actor.id == person.id:
            return False
        if person.mentor_id is not None and person.mentor_id == actor.id:
            return True
        return person.team_id is not None and self.dbsession.scalar(select(Grant.id).where(
            Grant.account_id == actor.id, Grant.role == ScopedRole.MANAGER, Grant.scope_type == Scope.TEAM,
            Grant.scope_id == person.team_id)) is not None

    def decide(self, actor: Account, signoff: SignOff, approve: bool, note: str = "") -> None:
        # Lock the request first: of two decisions at once, the second sees the first.
        signoff = self.dbsession.scalars(select(SignOff).where(SignOff.id == signoff.id).with_for_update(of=SignOff)
                                         .execution_options(populate_existing=True)).one()
        person = self.dbsession.get_one(Account, signoff.account_id)
        if not self.can_supervise(actor, person):
            raise TrainingForbidden()
        if signoff.decided_at is not None:
            raise TrainingError("This sign-off was already decided.")
        note = note.strip()
        if not note:
            raise TrainingError("Write a note: what you saw." if approve else "Say why the task is sent back.")
        signoff.decided_at = self.clock.now()
        signoff.decided_by_id = actor.id
        signoff.approved = approve
        signoff.note = note
        self._set_state(person.id, signoff.item_id, ProgressState.DONE if approve else ProgressState.SENT_BACK)
        # Nothing waits any more, whoever decided (the mentor or a manager).
        self.notices.clear(self._request_notice_key(signoff))
        self.notices.leave(person.id, "training.signoff", "${task} was signed off." if approve
                           else "${task} was sent back.", f"training-decided-{signoff.id}",
                           {"task": signoff.item.title}, link=self.link("training.item", item_id=signoff.item_id))
        if approve:
            self._check_complete(person)

    def pending_signoffs(self, people: list[Account], actor: Account | None = None) -> list[SignOff]:
        """Open requests of these people (with `actor`: only those `actor` may decide)."""
        ids = [p.id for p in people if actor is None or self.can_supervise(actor, p)]
        if not ids:
            return []
        return list(self.dbsession.scalars(select(SignOff).where(
            SignOff.account_id.in_(ids), SignOff.decided_at.is_(None)).order_by(SignOff.requested_at)))

    # -- overdue -----------------------------------------------------------

    @staticmethod
    def _overdue_key(person_id: int) -> str:
        return f"training-overdue-{person_id}"

    def _overdue_notices(self, person_id: int) -> list[Notice]:
        return list(self.dbsession.scalars(select(Notice).where(Notice.dedupe_key == self._overdue_key(person_id))))

    def refresh_overdue_notice(self, person: Account, summary) -> None:
        """After progress: the person's overdue notices follow the new count (gone at zero), unread stays unread."""
        if self.notices is None:
            return
        notices = self._overdue_notices(person.id)
        if not notices:
            return
        if summary.overdue == 0:
            self.notices.clear(self._overdue_key(person.id))
            return
        for notice in notices:
            if notice.mapping.get("count") != summary.overdue:
                notice.mapping = {**notice.mapping, "count": summary.overdue}

    def sweep(self) -> int:
        """Mark overdue items and leave one summary notice per person (renewed when the count changes);
        returns the number of new marks."""
        marked = 0
        for enrolment in list(self.dbsession.scalars(select(Enrolment).order_by(Enrolment.id))):
            person = self.dbsession.get_one(Account, enrolment.account_id)
            if not person.is_active:
                continue
            overdue = [row for row in self.summary(person, self.enrolment_for(person.id)).rows if row.overdue]
            marks = set(self.dbsession.scalars(select(OverdueMark.item_id).where(
                OverdueMark.account_id == person.id)))
            for row in overdue:
                if row.item.id not in marks:
                    self.dbsession.add(OverdueMark(account_id=person.id, item_id=row.item.id,
                                                   marked_at=self.clock.now()))
                    marked += 1
            self._leave_overdue_notices(person, len(overdue))
        self.dbsession.flush()
        return marked

    def _leave_overdue_notices(self, person: Account, count: int) -> None:
        key = self._overdue_key(person.id)
        existing = self._overdue_notices(person.id)
        if count == 0:
            if existing:
                self.notices.clear(key)
            return
        if existing and all(n.mapping.get("count") == count for n in existing):
            return  # nothing new since the last sweep: no new notice
        self.notices.clear(key)
        self.notices.leave(person.id, "training.overdue", OVERDUE_SELF, key, {"count": count},
                           link=self.link("training.mine"))
        mapping = {"name": person.display_name, "count": count}
        for other in dict.fromkeys([self.active_mentor_id(person), *self.managers_of(person)]):
            if other is not None and other != person.id:
                self.notices.leave(other, "training.overdue", OVERDUE_OTHERS, key, mapping,
                                   link=self.link("training.person", account_id=person.id))
