"""TrainingService: enrolment, progress, overdue, sign-off and certificates.

Overdue is computed from the start date and each step's due day every time a
page asks, so pages are right whether or not the sweep has run; the sweep
only records marks and leaves notices.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..i18n import _
from ..models.accounts import Account, Grant, Position, Scope, ScopedRole
from ..models.training import (
    Certificate,
    Course,
    CourseItem,
    Enrolment,
    ItemKind,
    ItemProgress,
    OverdueMark,
    PathStep,
    ProgressState,
    PublishState,
    SignOff,
    TrainingPath,
)
from .notices import NoticeService

# Accounts whose start date is older than this are not enrolled automatically
# (a manager can still enrol them by hand).
AUTO_ENROL_MAX_DAYS = 90


class TrainingError(ValueError):
    """A change refused for a reason the user can fix; `msgid` is translatable."""

    def __init__(self, msgid: str, mapping=None):
        super().__init__(msgid)
        self.msgid = msgid
        self.mapping = mapping or {}


class TrainingForbidden(Exception):
    """The actor may not decide for this person (views turn it into a 403)."""


@dataclass
class ItemRow:
    """One course item as a person sees it on their path."""

    item: CourseItem
    course: Course
    step: PathStep
    due_date: date
    state: str  # "todo", or a ProgressState
    overdue: bool
    available: bool = True

    @property
    def done(self) -> bool:
        return self.state == ProgressState.DONE


@dataclass
class Summary:
    rows: list[ItemRow] = field(default_factory=list)
    done: int = 0
    total: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def check_steps(steps: list[dict]) -> None:
    """Validate a path's steps ({course_id|course, due_day, half_day}) before anything is saved."""
    seen = set()
    for step in steps:
        course = step.get("course_id", step.get("course"))
        if course in seen:
            # A course twice in a path would send people round it again.
            raise TrainingError("The path has a loop: course ${course} appears twice.", {"course": str(course)})
        seen.add(course)
        if step["due_day"] < 0:
            raise TrainingError("A due day cannot be negative.")
        if step.get("half_day", "") not in ("", "am", "pm"):
            raise TrainingError("Half day must be am or pm.")


class TrainingService:
    def __init__(self, dbsession, clock: Clock, notices: NoticeService):
        self.dbsession = dbsession
        self.clock = clock
        self.notices = notices

    # -- look-ups --------------------------------------------------------

    def courses(self) -> list[Course]:
        return list(self.dbsession.scalars(select(Course).order_by(Course.slug)))

    def paths(self) -> list[TrainingPath]:
        return list(self.dbsession.scalars(select(TrainingPath).order_by(TrainingPath.position_code)))

    def course_by_slug(self, slug: str) -> Course | None:
        return self.dbsession.scalar(select(Course).where(Course.slug == slug))

    def path_for_position(self, code: str) -> TrainingPath | None:
        return self.dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == code))

    def enrolment_for(self, account_id: int) -> Enrolment | None:
        # The path's steps and their courses' items come with it (two more
        # queries in all): a summary walks every one of them.
        return self.dbsession.scalar(select(Enrolment).where(Enrolment.account_id == account_id).options(
            selectinload(Enrolment.path).selectinload(TrainingPath.steps).selectinload(PathStep.course)
            .selectinload(Course.items)))

    def certificate_for(self, account_id: int) -> Certificate | None:
        return self.dbsession.scalar(
            select(Certificate).where(Certificate.account_id == account_id).order_by(Certificate.id.desc()))

    # -- courses and paths ------------------------------------------------

    def owned_courses(self, account_id: int) -> list[Course]:
        """Courses `account_id` holds an owner grant on (they may edit them without the trainer role)."""
        owned = select(Grant.scope_id).where(Grant.account_id == account_id, Grant.role == ScopedRole.OWNER,
                                             Grant.scope_type == Scope.COURSE)
        return list(self.dbsession.scalars(select(Course).where(Course.id.in_(owned)).order_by(Course.slug)))

    def delete_course(self, course: Course) -> None:
        used = self.dbsession.scalar(
            select(Enrolment.id).join(PathStep, PathStep.path_id == Enrolment.path_id)
            .where(PathStep.course_id == course.id).limit(1))
        if used:
            raise TrainingError("People are enrolled in course ${title}; it cannot be deleted.",
                                {"title": course.title})
        in_path = self.dbsession.scalar(select(PathStep.id).where(PathStep.course_id == course.id).limit(1))
        if in_path:
            raise TrainingError("Course ${title} is used by a path; remove it from the path first.",
                                {"title": course.title})
        # Grants have no foreign key to their scope: a stale owner grant would
        # pass to a later course that gets the same id (SQLite reuses ids).
        for grant in self.dbsession.scalars(select(Grant).where(
                Grant.role == ScopedRole.OWNER, Grant.scope_type == Scope.COURSE, Grant.scope_id == course.id)):
            self.dbsession.delete(grant)
        self.dbsession.delete(course)
        self.dbsession.flush()

    def set_steps(self, path: TrainingPath, steps: list[dict]) -> None:
        """Replace a path's steps; `steps` hold course_id, due_day, half_day."""
        check_steps(steps)
        path.steps.clear()
        self.dbsession.flush()
        for position, step in enumerate(steps):
            path.steps.append(PathStep(course_id=step["course_id"], position=position, due_day=step["due_day"],
                                       half_day=step.get("half_day", "")))
        self.dbsession.flush()

    def transition(self, obj, action: str, can_review: bool) -> None:
        """The review workflow of documents: draft → pending → published (or back to draft)."""
        allowed = {
            ("submit", PublishState.DRAFT): PublishState.PENDING,
            ("approve", PublishState.PENDING): PublishState.PUBLISHED,
            ("reject", PublishState.PENDING): PublishState.DRAFT,
            ("retract", PublishState.PUBLISHED): PublishState.DRAFT,
        }
        target = allowed.get((action, obj.state))
        if target is None:
            raise TrainingError("This change is not possible in the current state.")
        if action in ("approve", "reject") and not can_review:
            raise TrainingForbidden()
        obj.state = target
        if target == PublishState.PUBLISHED and hasattr(obj, "published_at"):
            obj.published_at = obj.published_at or self.clock.now()

    # -- enrolment ---------------------------------------------------------

    def enrol(self, account: Account, path: TrainingPath | None = None, start_date: date | None = None,
              due_date: date | None = None) -> Enrolment:
        if not account.is_active:
            raise TrainingError("${name} is disabled and cannot be enrolled.", {"name": account.display_name})
        if path is None:
            code = self._position_code(account)
            path = self.path_for_position(code) if code else None
            if path is None:
                raise TrainingError("There is no onboarding path for this position.")
        start_date = start_date or account.start_date
        if start_date is None:
            raise TrainingError("A start date is needed to enrol.")
        if due_date is not None and due_date < start_date:
            raise TrainingError("The due date is before the start date.")
        enrolment = self.enrolment_for(account.id)
        if enrolment is None:
            enrolment = Enrolment(account_id=account.id, path_id=path.id, start_date=start_date,
                                  created_at=self.clock.now())
            self.dbsession.add(enrolment)
        else:
            # A move to another path keeps progress: it is keyed by item.
            enrolment.path_id = path.id
            enrolment.start_date = start_date
            enrolment.completed_at = None
        self.dbsession.flush()
        self.dbsession.refresh(enrolment)
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
        """Enrol on position + start date; move on a change of position."""
        if not account.is_active or account.position_id is None or account.start_date is None:
            return
        if self.is_veteran(account):
            return  # a veteran's record being filled in is not a new hire
        if (before.get("position_id") == account.position_id and before.get("start_date") == account.start_date
                and self.enrolment_for(account.id) is not None):
            return
        path = self.path_for_position(self._position_code(account))
        if path is None or path.state != PublishState.PUBLISHED:
            return
        self.enrol(account, path, account.start_date)

    # -- progress ----------------------------------------------------------

    def _today(self, account: Account) -> datetime:
        zone = ZoneInfo(account.team.timezone if account.team else "Asia/Shanghai")
        return self.clock.now().astimezone(zone)

    def today(self, account: Account) -> date:
        """The date where the person works."""
        return self._today(account).date()

    @staticmethod
    def _deadline(due: date, half_day: str) -> datetime:
        # A morning item is due at noon; others by the end of the day.
        return datetime.combine(due, time(12)) if half_day == "am" else datetime.combine(due + timedelta(days=1),
                                                                                          time(0))

    def summary(self, account: Account, enrolment: Enrolment | None = None) -> Summary:
        enrolment = enrolment or self.enrolment_for(account.id)
        if enrolment is None:
            return Summary()
        states = dict(self.dbsession.execute(
            select(ItemProgress.item_id, ItemProgress.state).where(ItemProgress.account_id == account.id)).all())
        local_now = self._today(account).replace(tzinfo=None)
        quizzes = self._existing_quizzes()
        summary = Summary()
        for step in enrolment.path.steps:
            if step.course.published_at is None:
                continue  # a course never published is not shown to learners
            due = enrolment.start_date + timedelta(days=step.due_day)
            for item in step.course.items:
                state = states.get(item.id, "todo")
                overdue = state != ProgressState.DONE and local_now >= self._deadline(due, step.half_day)
                available = item.kind != ItemKind.QUIZ or item.target in quizzes
                # Nobody is behind on a quiz that does not exist yet.
                overdue = overdue and available
                summary.rows.append(ItemRow(item, step.course, step, due, state, overdue and item.required,
                                            available))
                if item.required:
                    summary.total += 1
                    summary.done += state == ProgressState.DONE
                    summary.overdue += overdue and not summary.rows[-1].done
        return summary

    def today_rows(self, account: Account, summary: Summary | None = None) -> list[ItemRow]:
        """Items due today or earlier and not done, in path order (from `summary` when the caller has it)."""
        today = self.today(account)
        summary = summary or self.summary(account)
        return [r for r in summary.rows if not r.done and r.due_date <= today]

    def _existing_quizzes(self) -> set[str]:
        # Loose coupling: the quiz area's table may be empty or not built yet.
        try:
            from ..models.quizzes import Quiz
            return set(self.dbsession.scalars(select(Quiz.slug)))
        except Exception:  # noqa: BLE001 - any failure means "no quizzes yet"
            return set()

    def item_on_path(self, account: Account, item_id: int) -> ItemRow | None:
        for row in self.summary(account).rows:
            if row.item.id == item_id:
                return row
        return None

    def _set_state(self, account_id: int, item_id: int, state: str) -> None:
        progress = self.dbsession.scalar(select(ItemProgress).where(
            ItemProgress.account_id == account_id, ItemProgress.item_id == item_id))
        now = self.clock.now()
        if progress is None:
            progress = ItemProgress(account_id=account_id, item_id=item_id, state=state, updated_at=now)
            self.dbsession.add(progress)
        if progress.state == ProgressState.DONE and state != ProgressState.DONE:
            return  # done stays done
        progress.state = state
        progress.updated_at = now
        progress.done_at = now if state == ProgressState.DONE else None
        self.dbsession.flush()

    def confirm_read(self, account: Account, item_id: int) -> None:
        row = self.item_on_path(account, item_id)
        if row is None or row.item.kind not in (ItemKind.READING, ItemKind.LINK):
            raise TrainingError("This item cannot be confirmed as read.")
        self._set_state(account.id, item_id, ProgressState.DONE)
        self._check_complete(account)

    def quiz_graded(self, account_id: int, quiz_slug: str, passed: bool) -> None:
        if not passed:
            return
        account = self.dbsession.get(Account, account_id)
        if account is None:
            return
        for row in self.summary(account).rows:
            if row.item.kind == ItemKind.QUIZ and row.item.target == quiz_slug:
                self._set_state(account_id, row.item.id, ProgressState.DONE)
        self._check_complete(account)

    def _check_complete(self, account: Account) -> Certificate | None:
        enrolment = self.enrolment_for(account.id)
        if enrolment is None or not self.summary(account, enrolment).complete:
            return None
        enrolment.completed_at = enrolment.completed_at or self.clock.now()
        cert = self.dbsession.scalar(select(Certificate).where(
            Certificate.account_id == account.id, Certificate.path_id == enrolment.path_id))
        if cert is None:
            cert = Certificate(account_id=account.id, path_id=enrolment.path_id, issued_at=self.clock.now())
            self.dbsession.add(cert)
            self.dbsession.flush()
        return cert

    # -- sign-off ------------------------------------------------------------

    def request_signoff(self, account: Account, item_id: int, note: str = "") -> SignOff:
        row = self.item_on_path(account, item_id)
        if row is None or row.item.kind != ItemKind.PRACTICAL:
            raise TrainingError("Only practical tasks are signed off.")
        if row.done:
            raise TrainingError("This task is already signed off.")
        if self.open_signoff(account.id, item_id) is not None:
            raise TrainingError("A sign-off for this task is already waiting.")
        signoff = SignOff(account_id=account.id, item_id=item_id, requested_at=self.clock.now(), request_note=note)
        self.dbsession.add(signoff)
        self.dbsession.flush()  # the notice's key names the sign-off
        self._set_state(account.id, item_id, ProgressState.REQUESTED)
        if account.mentor_id:
            self.notices.leave(account.mentor_id, "training.signoff", "${name} asks you to sign off ${task}.",
                               self._request_notice_key(signoff), {"name": account.display_name,
                                                                   "task": row.item.title})
        return signoff

    @staticmethod
    def _request_notice_key(signoff: SignOff) -> str:
        return f"training-signoff-{signoff.id}"

    def open_signoff(self, account_id: int, item_id: int) -> SignOff | None:
        return self.dbsession.scalar(select(SignOff).where(
            SignOff.account_id == account_id, SignOff.item_id == item_id, SignOff.decided_at.is_(None)))

    def can_supervise(self, actor: Account, person: Account) -> bool:
        """The person's mentor, or a manager of their team."""
        if person.mentor_id is not None and person.mentor_id == actor.id:
            return True
        return person.team_id is not None and self.dbsession.scalar(select(Grant.id).where(
            Grant.account_id == actor.id, Grant.role == ScopedRole.MANAGER, Grant.scope_type == Scope.TEAM,
            Grant.scope_id == person.team_id)) is not None

    def decide(self, actor: Account, signoff: SignOff, approve: bool, note: str = "") -> None:
        person = self.dbsession.get(Account, signoff.account_id)
        if not self.can_supervise(actor, person):
            raise TrainingForbidden()
        if signoff.decided_at is not None:
            raise TrainingError("This sign-off was already decided.")
        if not approve and not note.strip():
            raise TrainingError("Say why the task is sent back.")
        signoff.decided_at = self.clock.now()
        signoff.decided_by_id = actor.id
        signoff.approved = approve
        signoff.note = note.strip()
        self._set_state(person.id, signoff.item_id,
                        ProgressState.DONE if approve else ProgressState.SENT_BACK)
        # Nothing waits any more, whoever decided (the mentor or a manager).
        self.notices.clear(self._request_notice_key(signoff))
        self.notices.leave(person.id, "training.signoff", "${task} was signed off." if approve
                           else "${task} was sent back.", f"training-decided-{signoff.id}",
                           {"task": signoff.item.title})
        if approve:
            self._check_complete(person)

    def pending_signoffs(self, people: list[Account]) -> list[SignOff]:
        ids = [p.id for p in people]
        if not ids:
            return []
        return list(self.dbsession.scalars(select(SignOff).where(
            SignOff.account_id.in_(ids), SignOff.decided_at.is_(None)).order_by(SignOff.requested_at)))

    # -- people --------------------------------------------------------------

    def mentees(self, mentor: Account) -> list[Account]:
        return list(self.dbsession.scalars(
            select(Account).where(Account.mentor_id == mentor.id).order_by(Account.username)))

    def managed_people(self, manager: Account) -> list[Account]:
        team_ids = select(Grant.scope_id).where(
            Grant.account_id == manager.id, Grant.role == ScopedRole.MANAGER, Grant.scope_type == Scope.TEAM)
        return list(self.dbsession.scalars(
            select(Account).where(Account.team_id.in_(team_ids), Account.is_active.is_(True))
            .order_by(Account.username)))

    def managers_of(self, person: Account) -> list[int]:
        if person.team_id is None:
            return []
        return list(self.dbsession.scalars(select(Grant.account_id).where(
            Grant.role == ScopedRole.MANAGER, Grant.scope_type == Scope.TEAM, Grant.scope_id == person.team_id)))

    # -- the sweep -----------------------------------------------------------

    def sweep(self) -> int:
        """Mark overdue items and leave one notice per person, mentor and manager; returns new marks."""
        marked = 0
        for enrolment in self.dbsession.scalars(select(Enrolment).where(Enrolment.completed_at.is_(None))):
            person = self.dbsession.get(Account, enrolment.account_id)
            if not person.is_active:
                continue
            for row in self.summary(person, enrolment).rows:
                if not row.overdue:
                    continue
                exists = self.dbsession.scalar(select(OverdueMark.id).where(
                    OverdueMark.account_id == person.id, OverdueMark.item_id == row.item.id))
                if exists is None:
                    self.dbsession.add(OverdueMark(account_id=person.id, item_id=row.item.id,
                                                   marked_at=self.clock.now()))
                    marked += 1
                mapping = {"name": person.display_name, "task": row.item.title}
                key = f"training-overdue-{person.id}-{row.item.id}"
                self.notices.leave(person.id, "training.overdue", "${task} is overdue.", key, mapping)
                for other in {person.mentor_id, *self.managers_of(person)} - {None, person.id}:
                    self.notices.leave(other, "training.overdue", "${name}: ${task} is overdue.", key, mapping)
        self.dbsession.flush()
        return marked


def factory(context, request):
    return TrainingService(request.dbsession, request.find_service(Clock), request.find_service(NoticeService))


def _account_changed(dbsession, account, before):
    # The hook gets no request; the current one (if any) supplies the clock
    # tests fix, otherwise wall-clock time.
    from pyramid.threadlocal import get_current_request

    request = get_current_request()
    clock = request.find_service(Clock) if request is not None else Clock()
    TrainingService(dbsession, clock, NoticeService(dbsession, clock)).on_account_changed(account, before)


def _quiz_graded(event):
    event.request.find_service(TrainingService).quiz_graded(event.account_id, event.quiz_slug, event.passed)


def includeme(config):
    from ..events import QuizAttemptGraded

    config.register_service_factory(factory, TrainingService)
    config.include(".training_content")
    config.add_account_changed_hook(_account_changed)
    config.add_subscriber(_quiz_graded, QuizAttemptGraded)
