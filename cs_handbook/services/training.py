"""TrainingService: enrolment, progress, overdue, sign-off and certificates.

The rules below are the training area's; `services/reports.py` computes the
same figures in SQL and must follow them.

Items on a person's path
  The steps of their enrolment's path in order, skipping courses never
  published (`published_at` NULL); each step's course items by position.
  Only the published rows count: a working copy (`draft`) changes nothing
  until a reviewer approves it. An item with `retired_at` set is on the path
  only for a person who has it done (it then counts as done, and in the
  total when required); for everyone else it is gone: not shown, not
  counted, never overdue.

Counting
  Required items make the total; optional ones are shown, never counted.
  An item is done when its progress row's state is "done" ("opened",
  "requested" and "sent_back" are not done). Percent = floor(100 × done / total).

Deadlines and overdue
  A step's items are due on start_date + due_day. The deadline, in the local
  time of the person (`zones.zone_of`: their team's zone, the site's without a team),
  is 12:00 that day for a morning ("am") step, else 00:00 the next day.
  With a finish-by date on the enrolment (`Enrolment.finish_by`), no deadline
  is later than 00:00 of the day after it. Overdue = required, not done, not
  retired, available (a quiz item whose quiz does not exist yet is not) and
  local now ≥ deadline. Pages compute it on every request; the sweep records
  the same thing (marks) and leaves notices, so pages agree whether or not it ran.

When items are done
  reading and link: opened through the site (`opened_at`), then confirmed.
  quiz: any graded attempt that passed; written when the attempt is graded,
  and again at enrolment, on a move, and when a course change adding the
  item is published, so a quiz passed earlier counts. practical: signed off
  with a note by the person's mentor or a manager of their team — never by
  the person themselves.

Completion
  done == total > 0 sets the enrolment's `completed_at` and issues one
  certificate per person and path; checked after every change that can
  complete it (confirm, pass, sign-off, enrolment, move, a published change).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..clock import Clock
from ..models.accounts import Account, Grant, Scope, ScopedRole
from ..models.training import (
    Certificate,
    Course,
    CourseItem,
    Enrolment,
    ItemKind,
    ItemProgress,
    PathStep,
    ProgressState,
    PublishState,
    TrainingPath,
)
from ..zones import zone_of
from .notices import NoticeService
from .training_enrolment import AUTO_ENROL_MAX_DAYS, EnrolmentMixin
from .training_errors import TrainingError, TrainingForbidden
from .training_quizzes import QuizProgressMixin
from .training_supervision import SupervisionMixin

__all__ = ["AUTO_ENROL_MAX_DAYS", "TrainingError", "TrainingForbidden", "TrainingService"]

# Where notices point when the service runs without a request (tests, hooks).
DEFAULT_LINKS = {
    "training.mine": "/training/",
    "training.item": "/training/items/{item_id}",
    "training.person": "/training/people/{account_id}",
    "training.mentees": "/training/mentees",
    "training.team": "/training/team",
    "training.review": "/training/review",
    "training.course.edit": "/training/courses/{slug}",
    "training.path.edit": "/training/paths/{code}",
}


# Built once: the home page, my onboarding and the item pages run these on every request.
# The enrolment with its path, steps, courses and items in one statement (one row per item;
# selectinloads took four more round trips, on the hottest signed-in pages).
ENROLMENT_QUERY = select(Enrolment).where(Enrolment.account_id == bindparam("account_id")).options(
    joinedload(Enrolment.path).joinedload(TrainingPath.steps).joinedload(PathStep.course).joinedload(Course.items))
PROGRESS_QUERY = select(ItemProgress.item_id, ItemProgress.state).where(
    ItemProgress.account_id == bindparam("account_id"))


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

    @property
    def retired(self) -> bool:
        return self.item.retired_at is not None


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


def deadline(due: date, half_day: str, finish_by: date | None = None) -> datetime:
    """Local (naive) deadline of an item due on `due`: noon for a morning step, else the day's end."""
    at = datetime.combine(due, time(12)) if half_day == "am" else datetime.combine(due + timedelta(days=1), time(0))
    if finish_by is not None:
        at = min(at, datetime.combine(finish_by + timedelta(days=1), time(0)))
    return at


class TrainingService(EnrolmentMixin, QuizProgressMixin, SupervisionMixin):
    """Look-ups, the progress summary, readings and completion here; enrolment, quizzes and
    supervision in the mixed-in halves (training_enrolment, training_quizzes, training_supervision)."""

    def __init__(self, dbsession, clock: Clock, notices: NoticeService, route_path=None):
        self.dbsession = dbsession
        self.clock = clock
        self.notices = notices
        self._route_path = route_path

    def link(self, route: str, **kw) -> str:
        if self._route_path is not None:
            return self._route_path(route, **kw)
        return DEFAULT_LINKS[route].format(**kw)

    # -- look-ups --------------------------------------------------------

    def courses(self, archived: bool = False) -> list[Course]:
        condition = Course.archived_at.is_not(None) if archived else Course.archived_at.is_(None)
        return list(self.dbsession.scalars(select(Course).where(condition).order_by(Course.slug)))

    def paths(self, published_only: bool = False) -> list[TrainingPath]:
        query = select(TrainingPath).order_by(TrainingPath.position_code)
        if published_only:
            query = query.where(TrainingPath.state == PublishState.PUBLISHED)
        return list(self.dbsession.scalars(query))

    def course_by_slug(self, slug: str) -> Course | None:
        return self.dbsession.scalar(select(Course).where(Course.slug == slug))

    def path_for_position(self, code: str) -> TrainingPath | None:
        return self.dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == code))

    def enrolment_for(self, account_id: int) -> Enrolment | None:
        # The path's steps and their courses' items come with it: a summary walks every one of them.
        return self.dbsession.scalars(ENROLMENT_QUERY, {"account_id": account_id}).unique().one_or_none()

    def certificate_for(self, account_id: int) -> Certificate | None:
        return self.dbsession.scalar(
            select(Certificate).where(Certificate.account_id == account_id).order_by(Certificate.id.desc()))

    def owned_courses(self, account_id: int) -> list[Course]:
        """Courses `account_id` holds an owner grant on (they may edit them without the trainer role)."""
        owned = select(Grant.scope_id).where(Grant.account_id == account_id, Grant.role == ScopedRole.OWNER,
                                             Grant.scope_type == Scope.COURSE)
        return list(self.dbsession.scalars(select(Course).where(Course.id.in_(owned)).order_by(Course.slug)))

    # -- progress ----------------------------------------------------------

    def zone(self, account: Account) -> ZoneInfo:
        return zone_of(self.dbsession, account)

    def today(self, account: Account) -> date:
        """The date where the person works."""
        return self.clock.now().astimezone(self.zone(account)).date()

    def local_date(self, account: Account, moment: datetime) -> date:
        return moment.astimezone(self.zone(account)).date()

    def summary(self, account: Account, enrolment: Enrolment | None = None) -> Summary:
        enrolment = enrolment or self.enrolment_for(account.id)
        if enrolment is None:
            return Summary()
        states = dict(self.dbsession.execute(PROGRESS_QUERY, {"account_id": account.id}).all())
        local_now = self.clock.now().astimezone(self.zone(account)).replace(tzinfo=None)
        quizzes = self._existing_quizzes()
        summary = Summary()
        for step in enrolment.path.steps:
            if step.course.published_at is None:
                continue  # a course never published is not shown to learners
            due = enrolment.start_date + timedelta(days=step.due_day)
            at = deadline(due, step.half_day, enrolment.finish_by)
            for item in step.course.items:
                state = states.get(item.id, "todo")
                done = state == ProgressState.DONE
                if item.retired_at is not None and not done:
                    continue  # gone from the course, and this person never did it
                available = item.kind != ItemKind.QUIZ or item.target in quizzes
                # Nobody is behind on a quiz that does not exist yet.
                overdue = item.required and not done and available and local_now >= at
                summary.rows.append(ItemRow(item, step.course, step, due, state, overdue, available))
                if item.required:
                    summary.total += 1
                    summary.done += done
                    summary.overdue += overdue
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

    def progress_of(self, account_id: int, item_id: int) -> ItemProgress | None:
        return self.dbsession.scalar(select(ItemProgress).where(
            ItemProgress.account_id == account_id, ItemProgress.item_id == item_id))

    def _set_state(self, account_id: int, item_id: int, state: str) -> None:
        progress = self.progress_of(account_id, item_id)
        now = self.clock.now()
        if progress is None:
            self.dbsession.add(ItemProgress(account_id=account_id, item_id=item_id, state=state, updated_at=now,
                                            done_at=now if state == ProgressState.DONE else None))
            self.dbsession.flush()
            return
        if progress.state == ProgressState.DONE and state != ProgressState.DONE:
            return  # done stays done
        if progress.state == state:
            return  # a second pass keeps the first one's time
        progress.state = state
        progress.updated_at = now
        progress.done_at = now if state == ProgressState.DONE else None
        self.dbsession.flush()

    def open_item(self, account: Account, item_id: int) -> ItemRow:
        """Record that the person opened a reading or link (needed before confirming it)."""
        row = self.item_on_path(account, item_id)
        if row is None or row.item.kind not in (ItemKind.READING, ItemKind.LINK):
            raise TrainingError("This item cannot be opened.")
        progress = self.progress_of(account.id, item_id)
        if progress is None:
            progress = ItemProgress(account_id=account.id, item_id=item_id, state=ProgressState.OPENED,
                                    updated_at=self.clock.now())
            self.dbsession.add(progress)
        progress.opened_at = progress.opened_at or self.clock.now()
        self.dbsession.flush()
        return row

    def confirm_read(self, account: Account, item_id: int) -> None:
        row = self.item_on_path(account, item_id)
        if row is None or row.item.kind not in (ItemKind.READING, ItemKind.LINK):
            raise TrainingError("This item cannot be confirmed as read.")
        progress = self.progress_of(account.id, item_id)
        if progress is None or progress.opened_at is None:
            raise TrainingError("Open it first, then confirm you have read it.")
        self._set_state(account.id, item_id, ProgressState.DONE)
        self._check_complete(account)

    # -- completion ----------------------------------------------------------

    def _check_complete(self, account: Account) -> Certificate | None:
        enrolment = self.enrolment_for(account.id)
        if enrolment is None:
            return None
        summary = self.summary(account, enrolment)
        self.refresh_overdue_notice(account, summary)
        if not summary.complete:
            return None
        enrolment.completed_at = enrolment.completed_at or self.clock.now()
        cert = self.dbsession.scalar(select(Certificate).where(
            Certificate.account_id == account.id, Certificate.path_id == enrolment.path_id))
        if cert is None:
            cert = Certificate(account_id=account.id, path_id=enrolment.path_id, issued_at=self.clock.now())
            self.dbsession.add(cert)
            self.dbsession.flush()
        return cert

    def enrolled_on(self, path_ids: set[int]) -> list[Account]:
        if not path_ids:
            return []
        return list(self.dbsession.scalars(select(Account).join(Enrolment, Enrolment.account_id == Account.id)
                                           .where(Enrolment.path_id.in_(path_ids), Account.is_active.is_(True))))

    def check_enrolled_on(self, path_ids: set[int]) -> None:
        """After a published change to these paths (or their courses): complete whoever it completes."""
        for account in self.enrolled_on(path_ids):
            self._check_complete(account)

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
        """The active managers of the person's team (the person excluded)."""
        if person.team_id is None:
            return []
        return list(self.dbsession.scalars(
            select(Grant.account_id).join(Account, Account.id == Grant.account_id).where(
                Grant.role == ScopedRole.MANAGER, Grant.scope_type == Scope.TEAM, Grant.scope_id == person.team_id,
                Grant.account_id != person.id, Account.is_active.is_(True)).order_by(Grant.account_id)))


def factory(context, request):
    return TrainingService(request.dbsession, request.find_service(Clock), request.find_service(NoticeService),
                           route_path=request.route_path)


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
    config.include(".training_authoring")
    config.include(".training_content")
    config.add_account_changed_hook(_account_changed)
    config.add_subscriber(_quiz_graded, QuizAttemptGraded)
