"""Factories of the training area: courses with items, a position's path, a new hire on it."""

from datetime import UTC, date, datetime

import factory

from cs_handbook.models.training import Course, CourseItem, PathStep, PublishState, TrainingPath
from cs_handbook.services.notices import NoticeService
from cs_handbook.services.training import TrainingService
from cs_handbook.services.training_authoring import AuthoringService

from . import factories
from .factories import BaseFactory


def now():
    return datetime.now(UTC)


class CourseFactory(BaseFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"课程{n}")
    state = PublishState.PUBLISHED
    created_at = factory.LazyFunction(now)


def course(slug, *items, state=PublishState.PUBLISHED) -> Course:
    """A course with items given as (key, kind, target) or (key, kind, target, required)."""
    made = CourseFactory(slug=slug, state=state, published_at=now() if state == PublishState.PUBLISHED else None)
    for position, spec in enumerate(items):
        key, kind, target, *rest = spec
        made.items.append(CourseItem(key=key, kind=kind, title=f"{slug}:{key}", target=target, minutes=10,
                                     required=rest[0] if rest else True, position=position))
    factories._session.commit()
    return made


def path(code, *steps) -> TrainingPath:
    """A published path; steps are (course, due_day) or (course, due_day, half_day)."""
    made = TrainingPath(position_code=code, title=f"{code} 入职", state=PublishState.PUBLISHED, created_at=now())
    for position, (crs, due_day, *half) in enumerate(steps):
        made.steps.append(PathStep(course_id=crs.id, position=position, due_day=due_day,
                                   half_day=half[0] if half else ""))
    factories._session.add(made)
    factories._session.commit()
    return made


def standard_programme(code="cs-agent"):
    """Day one (two readings, morning), its shadowing (afternoon), day two's quiz; a path for `code`."""
    day1 = course("day1", ("culture", "reading", "handbook/basics/what-is-service"),
                  ("etiquette", "reading", "scripts/greeting-and-closing"),
                  ("extra", "reading", "policies/daily-rules", False))
    shadow = course("shadow1", ("shadowing", "practical", ""))
    day2 = course("day2", ("quiz", "quiz", "day2-workflow-roles"))
    return path(code, (day1, 0, "am"), (shadow, 0, "pm"), (day2, 1)), (day1, shadow, day2)


def service(dbsession, clock) -> TrainingService:
    return TrainingService(dbsession, clock, NoticeService(dbsession, clock))


def authoring(dbsession, clock) -> AuthoringService:
    return AuthoringService(dbsession, clock, service(dbsession, clock))


def read(svc: TrainingService, person, *items) -> None:
    """The person opens each reading and confirms it, as the item page has them do."""
    for item in items:
        svc.open_item(person, item.id)
        svc.confirm_read(person, item.id)


def new_hire(start: date, code="cs-agent", **kw):
    position = factories.PositionFactory(code=code, name=code)
    return factories.AccountFactory(position=position, team=kw.pop("team", None) or factories.TeamFactory(),
                                    start_date=start, **kw)


STANDARD_READINGS = ("handbook/basics/what-is-service", "scripts/greeting-and-closing", "policies/daily-rules")


def documents(*slugs) -> None:
    """Published documents for reading targets (the builder refuses readings of missing documents)."""
    from .factories_documents import make_document

    for slug in slugs or STANDARD_READINGS:
        make_document(slug, title=slug.rsplit("/", 1)[-1], tags=())
