"""What a working copy changes, as reviewers and authors read it: one line per title, item or
step in words (kinds, required or optional, half days translated, never the files' codes),
the published version beside the working copy, changed characters marked."""

from sqlalchemy import select

from ...i18n import _
from ...models.training import Course, ItemKind
from ...services.documents_diff import diff_lines
from ...services.training_authoring import AuthoringService

KIND_LABELS = {ItemKind.READING: _("Reading"), ItemKind.QUIZ: _("Quiz"), ItemKind.PRACTICAL: _("Practical task"),
               ItemKind.LINK: _("Link or video")}
HALF_DAYS = {"am": _("morning"), "pm": _("afternoon")}


def _course_lines(request, data: dict) -> list[str]:
    t = request.localizer.translate
    lines = [t(_("Title: ${title}", mapping={"title": data["title"]}))]
    if data.get("description"):
        lines.append(t(_("Description: ${text}", mapping={"text": data["description"]})))
    for number, item in enumerate(data["items"], 1):
        line = t(_("${number}. ${title} [${key}] · ${kind} · ${minutes} min · ${required}", mapping={
            "number": number, "title": item["title"], "key": item["key"], "kind": t(KIND_LABELS[item["kind"]]),
            "minutes": item["minutes"], "required": t(_("required") if item["required"] else _("optional"))}))
        if item.get("target"):
            line += " → " + item["target"]
        lines.append(line)
        if item.get("description"):
            lines.append("    " + item["description"])
    return lines


def _path_lines(request, data: dict) -> list[str]:
    t = request.localizer.translate
    titles = dict(request.dbsession.execute(select(Course.slug, Course.title).where(
        Course.slug.in_([s["course"] for s in data["steps"]]))).all())
    lines = [t(_("Title: ${title}", mapping={"title": data["title"]}))]
    for number, step in enumerate(data["steps"], 1):
        half = step.get("half_day", "")
        lines.append(t(_("${number}. ${course} (${slug}) · due day ${day} ${half}", mapping={
            "number": number, "course": titles.get(step["course"], step["course"]), "slug": step["course"],
            "day": step["due_day"], "half": t(HALF_DAYS[half]) if half in HALF_DAYS else ""})).rstrip())
    return lines


def change_rows(request, obj) -> list:
    """Diff rows (published | working copy) of a course or path; empty left side if never published."""
    published, working = request.find_service(AuthoringService).versions(obj)
    lines = _course_lines if isinstance(obj, Course) else _path_lines
    old = "\n".join(lines(request, published)) if published is not None else ""
    new = "\n".join(lines(request, working)) if working is not None else old
    return diff_lines(old, new)
