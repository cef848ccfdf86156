"""Courses and paths as files: `training/courses/*.yaml` and `training/paths/*.yaml`.

Loading is idempotent (upsert by slug / position code, items by key);
exporting writes the canonical YAML, so load → export is byte for byte.
"""

from pathlib import Path

import yaml
from sqlalchemy import select

from ..clock import Clock
from ..content import ContentReport
from ..i18n import _
from ..models.training import Course, CourseItem, ItemKind, PublishState, TrainingPath
from .training import TrainingError, TrainingService, check_steps

KINDS = {k.value for k in ItemKind}


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def course_to_dict(course: Course) -> dict:
    data = {"title": course.title}
    if course.description:
        data["description"] = course.description
    items = []
    for item in course.items:
        entry = {"key": item.key, "kind": item.kind, "title": item.title}
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


def _check_course(slug: str, data) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("title"), str) or not isinstance(data.get("items"), list):
        raise TrainingError("Course ${slug}: title and items are required.", {"slug": slug})
    keys = set()
    for item in data["items"]:
        if not isinstance(item, dict) or item.get("kind") not in KINDS or not item.get("key") or not item.get("title"):
            raise TrainingError("Course ${slug}: each item needs key, kind and title.", {"slug": slug})
        if item["key"] in keys:
            raise TrainingError("Course ${slug}: item key ${key} is repeated.", {"slug": slug, "key": item["key"]})
        keys.add(item["key"])
        if not isinstance(item.get("minutes", 0), int) or item.get("minutes", 0) < 0:
            raise TrainingError("Course ${slug}: minutes must be a whole number.", {"slug": slug})


def apply_course(dbsession, clock, slug: str, data: dict) -> str:
    """Create or update one course from its file data; returns created/updated/unchanged."""
    _check_course(slug, data)
    course = dbsession.scalar(select(Course).where(Course.slug == slug))
    result = "unchanged"
    if course is None:
        course = Course(slug=slug, title=data["title"], state=PublishState.PUBLISHED, created_at=clock.now(),
                        published_at=clock.now())
        dbsession.add(course)
        result = "created"
    elif course_to_dict(course) != data:
        result = "updated"
    if result == "unchanged":
        return result
    course.title = data["title"]
    course.description = data.get("description", "")
    by_key = {item.key: item for item in course.items}
    wanted = []
    for position, entry in enumerate(data["items"]):
        item = by_key.pop(entry["key"], None) or CourseItem(key=entry["key"])
        item.position = position
        item.kind = entry["kind"]
        item.title = entry["title"]
        item.target = entry.get("target", "")
        item.minutes = entry.get("minutes", 0)
        item.required = bool(entry.get("required", True))
        item.description = entry.get("description", "")
        wanted.append(item)
    course.items = wanted
    dbsession.flush()
    return result


def apply_path(dbsession, clock, code: str, data: dict) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("title"), str) or not isinstance(data.get("steps"), list):
        raise TrainingError("Path ${code}: title and steps are required.", {"code": code})
    for step in data["steps"]:
        if not isinstance(step, dict) or not isinstance(step.get("due_day"), int):
            raise TrainingError("Path ${code}: each step needs a course and a due day.", {"code": code})
    check_steps(data["steps"])
    courses = {}
    for step in data["steps"]:
        course = dbsession.scalar(select(Course).where(Course.slug == step.get("course")))
        if course is None:
            raise TrainingError("Path ${code}: unknown course ${course}.",
                                {"code": code, "course": str(step.get("course"))})
        courses[step["course"]] = course
    path = dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == code))
    result = "unchanged"
    if path is None:
        path = TrainingPath(position_code=code, title=data["title"], state=PublishState.PUBLISHED,
                            created_at=clock.now())
        dbsession.add(path)
        dbsession.flush()
        result = "created"
    elif path_to_dict(path) != data:
        result = "updated"
    if result == "unchanged":
        return result
    path.title = data["title"]
    TrainingService(dbsession, clock, None).set_steps(
        path, [{"course_id": courses[s["course"]].id, "due_day": s["due_day"], "half_day": s.get("half_day", "")}
               for s in data["steps"]])
    return result


def _read(file: Path):
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def load(request, folder: Path, progress) -> ContentReport:
    report = ContentReport()
    dbsession = request.dbsession
    clock = request.find_service(Clock)
    files = [("course", f) for f in sorted((folder / "courses").glob("*.yaml"))]
    files += [("path", f) for f in sorted((folder / "paths").glob("*.yaml"))]
    progress.start("training", len(files))
    for kind, file in files:
        try:
            with dbsession.begin_nested():
                apply = apply_course if kind == "course" else apply_path
                result = apply(dbsession, clock, file.stem, _read(file))
        except yaml.YAMLError as error:
            report.errors.append(f"{file.name}: {error}")
            result = None
        except TrainingError as error:
            report.errors.append(f"{file.name}: " + request.localizer.translate(
                _(error.msgid, mapping=error.mapping)))
            result = None
        if result:
            setattr(report, result, getattr(report, result) + 1)
        progress.step(file.name)
    progress.done()
    return report


def export(request, folder: Path, progress) -> int:
    service = request.find_service(TrainingService)
    written = 0
    for sub, objects, to_dict, name in (
        ("courses", service.courses(), course_to_dict, lambda o: o.slug),
        ("paths", service.paths(), path_to_dict, lambda o: o.position_code),
    ):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for obj in objects:
            target = folder / sub / f"{name(obj)}.yaml"
            text = dump(to_dict(obj))
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                written += 1
    return written


def includeme(config):
    config.add_content_handler("training", "training", load, export, order=20)
