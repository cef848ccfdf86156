"""AuthoringService: the course and path builder, behind the review workflow of documents.

The rows of a course (title, items) and of a path (title, steps) are the
published structure learners see. An edit is kept as a working copy
(`draft`, in the files' shape) and reaches the rows only when a reviewer
approves it; course owners (grant owner:course) go through the same review.

Workflow of a working copy (`review_state`):
    draft --submit--> pending --approve (reviewer)--> published, working copy gone
    pending --send_back (reviewer, with a comment)--> draft
    pending --withdraw--> draft
    draft | pending --discard--> working copy gone (only for something published once)

Applying a structure (`apply_course`, also used by the content loader) never
deletes an item: one missing from the new structure is retired, keeping its
progress and sign-off history; one that comes back under its key is restored.
A course with history is never deleted either: it is archived.
"""

import hashlib

import yaml
from sqlalchemy import exists, func, select

from ..clock import Clock
from ..models.accounts import Grant, Scope, ScopedRole
from ..models.training import (
    Certificate,
    Course,
    CourseItem,
    Enrolment,
    ItemKind,
    ItemProgress,
    PathStep,
    PublishState,
    SignOff,
    TrainingPath,
)
from .training import TrainingService, check_steps
from .training_checks import (
    COURSE_SLUG,
    ITEM_FIELDS,
    POSITION_CODE,
    RESERVED,
    Issue,
    course_issues,
    path_issues,
)
from .training_errors import TrainingError, TrainingForbidden

DRAFT, PENDING, PUBLISHED = PublishState.DRAFT, PublishState.PENDING, PublishState.PUBLISHED
# action -> the review states it starts from
ACTIONS = {"submit": (DRAFT,), "withdraw": (PENDING,), "approve": (PENDING,), "send_back": (PENDING,),
           "discard": (DRAFT, PENDING)}


class StructureError(TrainingError):
    """A course or path structure with problems; `issues` says where each one is."""

    def __init__(self, issues: list[Issue]):
        super().__init__("The course or path has problems.")
        self.issues = issues


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def digest(data) -> str:
    """What the loader compares to tell a web edit from the file it last loaded."""
    return hashlib.sha256(dump(data).encode("utf-8")).hexdigest()


def clean_course(data: dict) -> dict:
    """The canonical form (the files' key order, empty optional fields left out)."""
    out = {"title": data["title"]}
    if data.get("description"):
        out["description"] = data["description"]
    out["items"] = [{name: item[name] for name in ITEM_FIELDS
                     if name in item and (item[name] != "" or name not in ("target", "description"))}
                    for item in data["items"]]
    return out


def clean_path(data: dict) -> dict:
    steps = [{"course": s["course"], "due_day": s["due_day"], **({"half_day": s["half_day"]}
                                                              if s.get("half_day") else {})}
             for s in data["steps"]]
    return {"title": data["title"], "steps": steps}


def course_to_dict(course: Course) -> dict:
    """The published structure (retired items left out), as the files hold it."""
    data: dict[str, object] = {"title": course.title}
    if course.description:
        data["description"] = course.description
    items = []
    for item in course.active_items:
        entry: dict[str, object] = {"key": item.key, "kind": item.kind, "title": item.title}
        if item.target:
            entry["target"] = item.target
        entry["minutes"] = item.minutes
        entry["required"] = item.required
        if item.description:
            entry["description"] = item.description
        items.append(entry)
    data["items"] = items
    return data


def path_to_dict(path: TrainingPath) -> dict:
    steps = []
    for step in path.steps:
        entry = {"course": step.course.slug, "due_day": step.due_day}
        if step.half_day:
            entry["half_day"] = step.half_day
        steps.append(entry)
    return {"title": path.title, "steps": steps}


def pending_count_query():
    """Courses and paths waiting for review as one statement: the navigation badge (every page; the
    documents page cache runs it beside its own check)."""
    def waiting(model):
        return select(func.count()).select_from(model).where(model.review_state == PENDING).scalar_subquery()

    return select(waiting(Course) + waiting(TrainingPath))


class AuthoringService:
    def __init__(self, dbsession, clock: Clock, training: TrainingService):
        self.dbsession = dbsession
        self.clock = clock
        self.training = training

    # -- look-ups ------------------------------------------------------------

    def working_copy(self, obj) -> dict:
        if obj.draft is not None:
            return obj.draft
        return course_to_dict(obj) if isinstance(obj, Course) else path_to_dict(obj)

    def versions(self, obj) -> tuple[dict | None, dict | None]:
        """(the published structure or None if never published, the working copy or None)."""
        to_dict = course_to_dict if isinstance(obj, Course) else path_to_dict
        return (to_dict(obj) if obj.state == PUBLISHED else None), obj.draft

    def pending(self) -> tuple[list[Course], list[TrainingPath]]:
        courses = self.dbsession.scalars(select(Course).where(Course.review_state == PENDING).order_by(Course.slug))
        paths = self.dbsession.scalars(select(TrainingPath).where(TrainingPath.review_state == PENDING)
                                       .order_by(TrainingPath.position_code))
        return list(courses), list(paths)

    def pending_count(self) -> int:
        """Courses and paths waiting for review, counted by the database (the navigation badge, every page)."""
        return self.dbsession.execute(pending_count_query()).scalar_one()

    def _document_slugs(self, data: dict) -> set[str]:
        from ..models.documents import Document

        wanted = {i.get("target", "").partition("#")[0] for i in data.get("items", ())
                  if isinstance(i, dict) and i.get("kind") == ItemKind.READING and isinstance(i.get("target"), str)}
        if not wanted:
            return set()
        return set(self.dbsession.scalars(select(Document.slug).where(Document.slug.in_(wanted))))

    def course_choices(self) -> dict[str, bool]:
        """Every course's slug and whether it is archived."""
        return {slug: archived is not None for slug, archived in
                self.dbsession.execute(select(Course.slug, Course.archived_at))}

    def check_course(self, data: dict) -> dict:
        issues = course_issues(data, self._document_slugs(data))
        if issues:
            raise StructureError(issues)
        return clean_course(data)

    def check_path(self, data: dict) -> dict:
        issues = path_issues(data, self.course_choices())
        if issues:
            raise StructureError(issues)
        return clean_path(data)

    # -- working copies --------------------------------------------------------

    def _save_draft(self, obj, data: dict, actor) -> bool:
        """Keep `data` as the working copy; False when it equals what is published (no working copy then)."""
        to_dict = course_to_dict if isinstance(obj, Course) else path_to_dict
        if obj.state == PUBLISHED and data == to_dict(obj):
            obj.draft = obj.review_state = None
            return False
        obj.draft = data
        obj.review_state = DRAFT  # a change to something waiting for review goes back to draft
        obj.draft_saved_at = self.clock.now()
        obj.draft_by_id = actor.id if actor is not None else None
        if obj.state != PUBLISHED:
            obj.title = data["title"]  # lists show it; learners never see it
        self.dbsession.flush()
        return True

    def create_course(self, slug: str, data: dict, actor) -> Course:
        if not COURSE_SLUG.match(slug) or slug in RESERVED:
            raise TrainingError("This short name cannot be used: choose another.")
        if self.training.course_by_slug(slug) is not None:
            raise TrainingError("A course with this short name exists.")
        data = self.check_course(data)
        course = Course(slug=slug, title=data["title"], state=DRAFT, created_at=self.clock.now())
        self.dbsession.add(course)
        self._save_draft(course, data, actor)
        return course

    def save_course(self, course: Course, data: dict, actor) -> bool:
        if course.archived_at is not None:
            raise TrainingError("This course is archived: restore it before changing it.")
        return self._save_draft(course, self.check_course(data), actor)

    def create_path(self, code: str, data: dict, actor) -> TrainingPath:
        if not POSITION_CODE.match(code) or code in RESERVED:
            raise TrainingError("This position code cannot be used.")
        if self.training.path_for_position(code) is not None:
            raise TrainingError("This position has an onboarding path already.")
        data = self.check_path(data)
        path = TrainingPath(position_code=code, title=data["title"], state=DRAFT, created_at=self.clock.now())
        self.dbsession.add(path)
        self._save_draft(path, data, actor)
        return path

    def save_path(self, path: TrainingPath, data: dict, actor) -> bool:
        return self._save_draft(path, self.check_path(data), actor)

    def transition(self, obj, action: str, actor, can_review: bool, comment: str = "") -> None:
        if obj.review_state not in ACTIONS.get(action, ()):
            raise TrainingError("This change is not possible in the current state.")
        if action in ("approve", "send_back") and not can_review:
            raise TrainingForbidden()
        comment = comment.strip()
        if action == "send_back" and not comment:
            raise TrainingError("Say what needs changing when sending it back.")
        if action == "discard" and obj.state != PUBLISHED:
            raise TrainingError("This was never published: there is nothing to go back to. Delete it instead.")
        author = obj.draft_by_id
        if action == "approve":
            self.publish(obj)
        elif action == "discard":
            obj.draft = obj.review_state = None
        else:
            obj.review_state = PENDING if action == "submit" else DRAFT
        self.dbsession.flush()
        if action in ("approve", "send_back") and author is not None and actor is not None and author != actor.id:
            self._tell_author(obj, author, action, comment)

    def _tell_author(self, obj, author_id: int, action: str, comment: str) -> None:
        if isinstance(obj, Course):
            link = self.training.link("training.course.edit", slug=obj.slug)
        else:
            link = self.training.link("training.path.edit", code=obj.position_code)
        message = ("${title} was published." if action == "approve"
                   else "${title} was sent back: ${comment}")
        self.training.notices.leave(author_id, "training.review", message,
                                    f"training-review-{type(obj).__name__}-{obj.id}-{self.clock.now().isoformat()}",
                                    {"title": obj.title, "comment": comment}, link=link)

    def publish(self, obj) -> None:
        """Apply the working copy to the published rows (checked again: things may have gone since)."""
        assert obj.draft is not None  # only a working copy is reviewed (draft and review_state go together)
        if isinstance(obj, Course):
            data = self.check_course(obj.draft)
            self.apply_course(obj, data)
        else:
            data = self.check_path(obj.draft)
            self.apply_path(obj, data)
        obj.draft = obj.review_state = None

    # -- the published rows ----------------------------------------------------

    def apply_course(self, course: Course, data: dict) -> None:
        """Make `data` (checked, canonical) the published structure; retire what it drops."""
        now = self.clock.now()
        course.title = data["title"]
        course.description = data.get("description", "")
        by_key = {item.key: item for item in course.items}
        for position, entry in enumerate(data["items"]):
            item = by_key.pop(entry["key"], None)
            if item is None:
                item = CourseItem(key=entry["key"])
                course.items.append(item)
            item.retired_at = None  # back under its key: its history comes back too
            item.position = position
            item.kind = entry["kind"]
            item.title = entry["title"]
            item.target = entry.get("target", "")
            item.minutes = entry["minutes"]
            item.required = entry["required"]
            item.description = entry.get("description", "")
        for offset, item in enumerate(sorted(by_key.values(), key=lambda i: i.position)):
            item.retired_at = item.retired_at or now
            item.position = len(data["items"]) + offset
        course.state = PUBLISHED
        course.published_at = course.published_at or now
        self.dbsession.flush()
        # A quiz passed before its item existed counts; a retired item may complete someone.
        self.training.sync_quiz_items(course.active_items)
        self.training.check_enrolled_on(set(self.dbsession.scalars(
            select(PathStep.path_id).where(PathStep.course_id == course.id))))

    def apply_path(self, path: TrainingPath, data: dict) -> None:
        courses = {c.slug: c for c in self.dbsession.scalars(
            select(Course).where(Course.slug.in_([s["course"] for s in data["steps"]])))}
        steps = [{"course_id": courses[s["course"]].id, "due_day": s["due_day"], "half_day": s.get("half_day", "")}
                 for s in data["steps"]]
        check_steps(steps)
        path.title = data["title"]
        path.steps.clear()
        self.dbsession.flush()
        for position, step in enumerate(steps):
            path.steps.append(PathStep(position=position, **step))
        path.state = PUBLISHED
        self.dbsession.flush()
        self.dbsession.expire(path, ["steps"])
        # A new step's quizzes may be passed already; steps gone may complete people.
        for account in self.training.enrolled_on({path.id}):
            self.training.sync_quiz_passes(account)
        self.training.check_enrolled_on({path.id})

    # -- delete and archive ------------------------------------------------------

    def _in_a_path(self, course: Course) -> bool:
        return self.dbsession.scalar(select(exists().where(PathStep.course_id == course.id)))

    def has_history(self, course: Course) -> bool:
        """Anyone's progress or sign-off on any of its items (retired ones included)."""
        items = select(CourseItem.id).where(CourseItem.course_id == course.id)
        return bool(self.dbsession.scalar(select(exists().where(ItemProgress.item_id.in_(items))))
                    or self.dbsession.scalar(select(exists().where(SignOff.item_id.in_(items)))))

    def delete_course(self, course: Course) -> None:
        if self._in_a_path(course):
            raise TrainingError("Course ${title} is used by a path; remove it from the path first.",
                                {"title": course.title})
        if self.has_history(course):
            raise TrainingError("People have progress on course ${title}, so it cannot be deleted; archive it "
                                "instead.", {"title": course.title})
        # Grants have no foreign key to their scope: a stale owner grant would
        # pass to a later course that gets the same id (SQLite reuses ids).
        for grant in self.dbsession.scalars(select(Grant).where(
                Grant.role == ScopedRole.OWNER, Grant.scope_type == Scope.COURSE, Grant.scope_id == course.id)):
            self.dbsession.delete(grant)
        self.dbsession.delete(course)
        self.dbsession.flush()

    def archive_course(self, course: Course) -> None:
        if self._in_a_path(course):
            raise TrainingError("Course ${title} is used by a path; remove it from the path first.",
                                {"title": course.title})
        course.archived_at = course.archived_at or self.clock.now()
        self.dbsession.flush()

    def restore_course(self, course: Course) -> None:
        course.archived_at = None
        self.dbsession.flush()

    def delete_path(self, path: TrainingPath) -> None:
        if self.dbsession.scalar(select(exists().where(Enrolment.path_id == path.id))):
            raise TrainingError("People are enrolled on ${title}; it cannot be deleted.", {"title": path.title})
        if self.dbsession.scalar(select(exists().where(Certificate.path_id == path.id))):
            raise TrainingError("Certificates were issued for ${title}; it cannot be deleted.",
                                {"title": path.title})
        self.dbsession.delete(path)
        self.dbsession.flush()


def factory(context, request):
    return AuthoringService(request.dbsession, request.find_service(Clock), request.find_service(TrainingService))


def includeme(config):
    config.register_service_factory(factory, AuthoringService)
