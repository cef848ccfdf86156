"""Access-matrix rows of the training routes (cs_handbook/views/training)."""

from datetime import date

from . import Row, expect, only, signed_in

NOT_ON_PATH = 404  # another person's items are not found, whoever asks


def _enrolled(dbsession, people):
    """`staff` on a cs-agent path: a reading, a practical task; returns ids."""
    from cs_handbook.clock import Clock
    from tests import factories_training as ft

    reading = ft.course("m-day1", ("culture", "reading", "handbook/basics/what-is-service"))
    task = ft.course("m-shadow", ("shadowing", "practical", ""))
    ft.path("cs-agent", (reading, 0), (task, 0))
    service = ft.service(dbsession, Clock())
    service.enrol(people["staff"], start_date=date.today())
    dbsession.commit()
    return {"service": service, "reading_id": reading.items[0].id, "task_id": task.items[0].id,
            "staff_id": people["staff"].id, "course": reading.slug}


def _opened(dbsession, people):
    """`staff` opened the reading (so it may be confirmed)."""
    ctx = _enrolled(dbsession, people)
    ctx["service"].open_item(people["staff"], ctx["reading_id"])
    dbsession.commit()
    return ctx


def _documents(dbsession, people):
    from tests import factories_training as ft

    ft.documents("handbook/basics/what-is-service")
    return {}


def _certificate(dbsession, people):
    ctx = _enrolled(dbsession, people)
    service = ctx["service"]
    service.open_item(people["staff"], ctx["reading_id"])
    service.confirm_read(people["staff"], ctx["reading_id"])
    service.decide(people["mentor"], service.request_signoff(people["staff"], ctx["task_id"]), True, "好")
    dbsession.commit()
    return ctx


def _signoff(dbsession, people):
    ctx = _enrolled(dbsession, people)
    ctx["signoff_id"] = ctx["service"].request_signoff(people["staff"], ctx["task_id"]).id
    dbsession.commit()
    return ctx


def _loose_course(dbsession, people):
    """A course in no path, never published, with a working copy (a draft) and its reading's document."""
    from cs_handbook.models.training import PublishState
    from tests import factories_training as ft

    ft.documents("handbook/basics/what-is-service")
    course = ft.course("m-loose", ("a", "reading", "handbook/basics/what-is-service"), state=PublishState.DRAFT)
    course.draft = {"title": course.title, "items": []}
    course.review_state = PublishState.DRAFT
    dbsession.commit()
    return {"course": "m-loose"}


def _pending_course(dbsession, people):
    from sqlalchemy import select

    from cs_handbook.models.training import Course, PublishState

    ctx = _loose_course(dbsession, people)
    dbsession.scalar(select(Course).where(Course.slug == "m-loose")).review_state = PublishState.PENDING
    dbsession.commit()
    return ctx


def _path_draft(dbsession, people, pending=False):
    """The cs-agent path (people enrolled) with a working copy."""
    from cs_handbook.models.training import PublishState

    ctx = _enrolled(dbsession, people)
    path = ctx["service"].path_for_position("cs-agent")
    path.draft = {"title": "客服入职（修订）", "steps": [{"course": "m-day1", "due_day": 1}]}
    path.review_state = PublishState.PENDING if pending else PublishState.DRAFT
    dbsession.commit()
    return ctx


def _pending_path(dbsession, people):
    return _path_draft(dbsession, people, pending=True)


def _empty_path(dbsession, people):
    """A published path nobody is on, for a position without people; and a position with no path."""
    from tests import factories
    from tests import factories_training as ft

    course = ft.course("m-extra", ("x", "practical", ""))
    ft.path("m-empty", (course, 0))
    factories.PositionFactory(code="night-desk", name="夜班")
    return {}


def _mentor_data(ctx):
    return {"mentor": str(ctx["people"]["mentor"].id)}


def _enrol_data(ctx):
    return {"path": "cs-agent", "start_date": date.today().isoformat(), "finish_by": ""}


NEW_COURSE = [("slug", "m-new"), ("title", "新课程"), ("description", ""), ("__start__", "items:sequence"),
              ("__start__", "item:mapping"), ("key", "a"), ("kind", "reading"), ("title", "读一读"),
              ("target", "handbook/basics/what-is-service"), ("minutes", "5"), ("required", "true"),
              ("description", ""), ("__end__", "item:mapping"), ("__end__", "items:sequence")]
EDIT_COURSE = [pair for pair in NEW_COURSE if pair[0] != "slug"]
PATH_DATA = [("title", "客服入职"), ("__start__", "steps:sequence"), ("__start__", "step:mapping"),
             ("course", "m-day1"), ("due_day", "0"), ("half_day", "am"), ("__end__", "step:mapping"),
             ("__end__", "steps:sequence")]

PERSON_VIEWERS = only(200, "staff", "mentor", "manager", "admin")
MANAGERS_GET = only(200, "manager", "admin")
MANAGERS_POST = only(303, "manager", "admin")
AUTHORS_GET = only(200, "trainer", "admin")
AUTHORS_POST = only(303, "trainer", "admin")
REVIEWERS_GET = only(200, "reviewer", "admin")
REVIEWERS_POST = only(303, "reviewer", "admin")
NEW_PATH = [("position_code", "night-desk"), ("title", "夜班入职"), ("__start__", "steps:sequence"),
            ("__start__", "step:mapping"), ("course", "m-extra"), ("due_day", "0"), ("half_day", ""),
            ("__end__", "step:mapping"), ("__end__", "steps:sequence")]

ROWS = [
    Row("training.mine", "GET", "/training/", signed_in(200)),
    Row("training.item", "GET", "/training/items/{reading_id}", expect(NOT_ON_PATH, anonymous=303, staff=200),
        setup=_enrolled),
    # Opening records it and sends the reader on to the document.
    Row("training.item.open", "GET", "/training/items/{reading_id}/open",
        expect(NOT_ON_PATH, anonymous=303, staff=303), setup=_enrolled),
    Row("training.item.confirm", "POST", "/training/items/{reading_id}/confirm",
        expect(NOT_ON_PATH, anonymous=303, staff=303), setup=_opened),
    Row("training.item.request", "POST", "/training/items/{task_id}/request-signoff",
        expect(NOT_ON_PATH, anonymous=303, staff=303), setup=_enrolled, data={"note": "请签字"}),
    Row("training.certificate", "GET", "/training/certificate", expect(404, anonymous=303, staff=200),
        setup=_certificate),
    Row("training.person", "GET", "/training/people/{staff_id}", PERSON_VIEWERS, setup=_enrolled),
    # The person, their mentor, their team's manager and admins; not any manager.
    Row("training.person.certificate", "GET", "/training/people/{staff_id}/certificate", PERSON_VIEWERS,
        setup=_certificate),
    Row("training.person.mentor", "GET", "/training/people/{staff_id}/mentor", MANAGERS_GET, setup=_enrolled),
    Row("training.person.mentor", "POST", "/training/people/{staff_id}/mentor", MANAGERS_POST, setup=_enrolled,
        data=_mentor_data),
    Row("training.person.enrol", "GET", "/training/people/{staff_id}/enrol", MANAGERS_GET, setup=_enrolled),
    Row("training.person.enrol", "POST", "/training/people/{staff_id}/enrol", MANAGERS_POST, setup=_enrolled,
        data=_enrol_data),
    Row("training.mentees", "GET", "/training/mentees", only(200, "mentor", "admin")),
    # Admins may open anything, but only the mentor or a team manager signs off.
    Row("training.signoff.decide", "POST", "/training/signoffs/{signoff_id}", only(303, "mentor", "manager"),
        setup=_signoff, data={"decision": "approve", "note": "好"}),
    Row("training.review", "GET", "/training/review", REVIEWERS_GET),
    Row("training.course.review", "GET", "/training/courses/{course}/review", REVIEWERS_GET,
        setup=_pending_course),
    Row("training.course.review", "POST", "/training/courses/{course}/review", REVIEWERS_POST,
        setup=_pending_course, data={"comment": "", "approve": "approve"}),
    Row("training.path.review", "GET", "/training/paths/cs-agent/review", REVIEWERS_GET, setup=_pending_path),
    Row("training.path.review", "POST", "/training/paths/cs-agent/review", REVIEWERS_POST, setup=_pending_path,
        data={"comment": "再看看", "send_back": "send_back"}),
    Row("training.team", "GET", "/training/team", MANAGERS_GET),
    Row("training.courses", "GET", "/training/courses", AUTHORS_GET),
    Row("training.course.new", "GET", "/training/courses/new", AUTHORS_GET),
    Row("training.course.new", "POST", "/training/courses/new", AUTHORS_POST, setup=_documents, data=NEW_COURSE),
    Row("training.course.edit", "GET", "/training/courses/{course}", AUTHORS_GET, setup=_loose_course),
    Row("training.course.edit", "POST", "/training/courses/{course}", AUTHORS_POST, setup=_loose_course,
        data=EDIT_COURSE),
    Row("training.course.delete", "GET", "/training/courses/{course}/delete", AUTHORS_GET, setup=_loose_course),
    Row("training.course.delete", "POST", "/training/courses/{course}/delete", AUTHORS_POST, setup=_loose_course),
    Row("training.course.archive", "POST", "/training/courses/{course}/archive", AUTHORS_POST,
        setup=_loose_course, data={"action": "archive"}),
    Row("training.course.workflow", "POST", "/training/courses/{course}/workflow", AUTHORS_POST,
        setup=_loose_course, data={"action": "submit"}),
    Row("training.path.new", "GET", "/training/paths/new", AUTHORS_GET, setup=_empty_path),
    Row("training.path.new", "POST", "/training/paths/new", AUTHORS_POST, setup=_empty_path, data=NEW_PATH),
    Row("training.path.edit", "GET", "/training/paths/cs-agent", AUTHORS_GET, setup=_enrolled),
    Row("training.path.edit", "POST", "/training/paths/cs-agent", AUTHORS_POST, setup=_enrolled, data=PATH_DATA),
    Row("training.path.workflow", "POST", "/training/paths/cs-agent/workflow", AUTHORS_POST, setup=_path_draft,
        data={"action": "submit"}),
    Row("training.path.delete", "GET", "/training/paths/m-empty/delete", AUTHORS_GET, setup=_empty_path),
    Row("training.path.delete", "POST", "/training/paths/m-empty/delete", AUTHORS_POST, setup=_empty_path),
]
