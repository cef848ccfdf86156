"""Courses and paths as files: `training/courses/*.yaml` and `training/paths/*.yaml`.

Loading is idempotent: an unchanged file does nothing, a changed one changes
the published structure (items it drops are retired, never deleted). A
course or path changed on the site since the last load or export (an
approved edit, a working copy, an archive) is reported as a conflict and left
alone — never silently overwritten; `file_digest` remembers what the files
last held. Every value is checked; a bad one is reported with its file, line
and field and nothing of that file is loaded. Exporting writes the canonical
YAML of the published structure, so load → export is byte for byte.
"""

from pathlib import Path

import yaml
from sqlalchemy import select

from ..content import ContentReport, Problem
from ..i18n import _
from ..models.training import Course, PublishState, TrainingPath
from .training import TrainingService
from .training_authoring import (
    AuthoringService,
    clean_course,
    clean_path,
    course_to_dict,
    digest,
    dump,
    path_to_dict,
)
from .training_checks import COURSE_SLUG, POSITION_CODE, RESERVED, course_issues, path_issues

CONFLICT = _("${file}: changed on the site since the last load (an approved edit, a working copy or an archive); "
             "the file was not loaded (export, merge by hand, then load again)")
FIELD_PROBLEM = _("${file}:${line}: ${field}: ${problem}")
FILE_PROBLEM = _("${file}:${line}: ${problem}")
BAD_NAME = _("the file name must be lower-case letters, digits and hyphens (and not \"new\")")
BAD_YAML = _("invalid YAML: ${detail}")
NOT_TEXT = _("the file is not UTF-8 text")


def line_of(node, where: tuple) -> int:
    """The line (from 1) of the value at `where` in a composed YAML tree, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in where:
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            if not pairs:
                break
            key, node = pairs[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _read(file: Path, rel: str):
    """(data, composed tree) or a Problem."""
    try:
        text = file.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        return Problem(_(FILE_PROBLEM, mapping={"file": rel, "line": 1, "problem": NOT_TEXT}))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        detail = str(getattr(error, "problem", None) or error)
        return Problem(_(FILE_PROBLEM, mapping={"file": rel, "line": mark.line + 1 if mark else 1,
                                                "problem": _(BAD_YAML, mapping={"detail": detail})}))


def _load_course(authoring: AuthoringService, slug: str, data: dict) -> str:
    data = clean_course(data)
    course = authoring.dbsession.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        course = Course(slug=slug, title=data["title"], state=PublishState.DRAFT, created_at=authoring.clock.now())
        authoring.dbsession.add(course)
        authoring.apply_course(course, data)
        course.file_digest = digest(data)
        return "created"
    live = course_to_dict(course)
    if course.state == PublishState.PUBLISHED and live == data:
        course.file_digest = digest(data)
        return "unchanged"
    if (course.draft is not None or course.archived_at is not None or course.state != PublishState.PUBLISHED
            or course.file_digest != digest(live)):
        return "conflict"
    authoring.apply_course(course, data)
    course.file_digest = digest(data)
    return "updated"


def _load_path(authoring: AuthoringService, code: str, data: dict) -> str:
    data = clean_path(data)
    path = authoring.dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == code))
    if path is None:
        path = TrainingPath(position_code=code, title=data["title"], state=PublishState.DRAFT,
                            created_at=authoring.clock.now())
        authoring.dbsession.add(path)
        authoring.dbsession.flush()
        authoring.apply_path(path, data)
        path.file_digest = digest(data)
        return "created"
    live = path_to_dict(path)
    if path.state == PublishState.PUBLISHED and live == data:
        path.file_digest = digest(data)
        return "unchanged"
    if path.draft is not None or path.state != PublishState.PUBLISHED or path.file_digest != digest(live):
        return "conflict"
    authoring.apply_path(path, data)
    path.file_digest = digest(data)
    return "updated"


def load(request, folder: Path, progress) -> ContentReport:
    report = ContentReport()
    authoring = request.find_service(AuthoringService)
    files = [("courses", f) for f in sorted((folder / "courses").glob("*.yaml"))]
    files += [("paths", f) for f in sorted((folder / "paths").glob("*.yaml"))]
    progress.start("training", len(files))
    for sub, file in files:
        rel = f"{sub}/{file.name}"
        progress.step(rel)
        name_pattern = COURSE_SLUG if sub == "courses" else POSITION_CODE
        if not name_pattern.match(file.stem) or file.stem in RESERVED:
            report.errors.append(Problem(_(FILE_PROBLEM, mapping={"file": rel, "line": 1, "problem": BAD_NAME})))
            continue
        read = _read(file, rel)
        if isinstance(read, Problem):
            report.errors.append(read)
            continue
        data, tree = read
        # Paths are checked against the courses loaded so far (courses come first).
        issues = (course_issues(data) if sub == "courses" else path_issues(data, authoring.course_choices()))
        if issues:
            report.errors += [Problem(_(FIELD_PROBLEM, mapping={
                "file": rel, "line": line_of(tree, issue.where), "field": issue.field or "-",
                "problem": _(issue.problem, mapping=issue.mapping)})) for issue in issues]
            continue
        with request.dbsession.begin_nested():
            result = (_load_course if sub == "courses" else _load_path)(authoring, file.stem, data)
        if result == "conflict":
            report.conflicts.append(Problem(_(CONFLICT, mapping={"file": rel})))
        else:
            setattr(report, result, getattr(report, result) + 1)
    progress.done()
    return report


def export(request, folder: Path, progress) -> int:
    """Write the published structure of every course (not archived) and path; the files now hold it."""
    service = request.find_service(TrainingService)
    written = 0
    for sub, objects, to_dict, name in (
        ("courses", service.courses(), course_to_dict, lambda o: o.slug),
        ("paths", service.paths(), path_to_dict, lambda o: o.position_code),
    ):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for obj in objects:
            if obj.state != PublishState.PUBLISHED:
                continue  # never published: not content yet
            data = to_dict(obj)
            target = folder / sub / f"{name(obj)}.yaml"
            text = dump(data)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                written += 1
            obj.file_digest = digest(data)
    request.dbsession.flush()
    return written


def includeme(config):
    config.add_content_handler("training", "training", load, export, order=20)
