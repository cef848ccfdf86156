"""Checks of a course's and a path's structure, shared by the web builder and the file loader.

The structure is the files' shape (`training/README.md`): a course is
{"title", "description"?, "items": [{key, kind, title, target?, minutes,
required, description?}]}, a path {"title", "steps": [{course, due_day,
half_day?}]}. Data from YAML can hold anything, so every value's type is
checked, not only its range; each issue says where it is (a tuple such as
("items", 2, "minutes")) so the loader can name the file's line and the
builder the form's item.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..i18n import _
from ..models.training import ItemKind

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
COURSE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
POSITION_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
QUIZ_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
DOCUMENT_TARGET = re.compile(r"^[a-z0-9][a-z0-9/-]{0,199}(#[A-Za-z0-9_-]{1,100})?$")
# "new" is the builder's own address (/courses/new, /paths/new).
RESERVED = frozenset({"new"})
KINDS = tuple(k.value for k in ItemKind)
COURSE_FIELDS = ("title", "description", "items")
ITEM_FIELDS = ("key", "kind", "title", "target", "minutes", "required", "description")
PATH_FIELDS = ("title", "steps")
STEP_FIELDS = ("course", "due_day", "half_day")
MAX_TITLE = 200
MAX_TEXT = 2000
MAX_TARGET = 500
MAX_MINUTES = 10000
MAX_DUE_DAY = 3650

REQUIRED = _("must be given")
TEXT = _("must be text of 1 to ${max} characters")
LONG_TEXT = _("must be text of at most ${max} characters")
CONTROL = _("must not contain control characters")
WHOLE = _("must be a whole number from ${min} to ${max}")
BOOLEAN = _("must be true or false")
UNKNOWN = _("is not a known field (misspelt?)")
LIST = _("must be a list")
MAPPING = _("must be a mapping of fields")
KEY_FORMAT = _("must be 1 to 64 lower-case letters, digits and hyphens")
KIND = _("must be reading, quiz, practical or link")
REPEATED = _("repeats the key ${key}")
DOCUMENT_FORMAT = _("must be a document's short name, such as handbook/basics/what-is-service")
NO_DOCUMENT = _("names no document: ${target}")
URL = _("must be an https:// or http:// address")
QUIZ_FORMAT = _("must be the quiz's short name (lower-case letters, digits and hyphens)")
PRACTICAL_TARGET = _("must be left out: a practical task points at nothing")
NO_COURSE = _("names no course: ${course}")
ARCHIVED_COURSE = _("names an archived course: ${course}")
LOOP = _("repeats the course ${course}: a path takes each course once")
HALF_DAY = _("must be am or pm")


@dataclass
class Issue:
    where: tuple  # ("items", 2, "minutes"): indexes from 0
    problem: str  # a msgid
    mapping: dict = field(default_factory=dict)

    @property
    def field(self) -> str:
        """`items[3].minutes` (counted from 1, as people count)."""
        out = ""
        for part in self.where:
            out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text) or "\x7f" in text


def _text(issues, value, where, max_length, required=True) -> None:
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_length:
        issues.append(Issue(where, TEXT if required else LONG_TEXT, {"max": max_length}))
    elif _has_control(value):
        issues.append(Issue(where, CONTROL))


def _whole(issues, value, where, low, high) -> None:
    # bool is an int in Python; `true` is not a number of minutes.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        issues.append(Issue(where, WHOLE, {"min": low, "max": high}))


def _fields(issues, data, where, known, required) -> bool:
    if not isinstance(data, dict):
        issues.append(Issue(where, MAPPING))
        return False
    for name in data:
        if name not in known:
            issues.append(Issue((*where, str(name)), UNKNOWN))
    for name in required:
        if name not in data:
            issues.append(Issue((*where, name), REQUIRED))
    return True


def check_target(kind: str, target, known_documents: set[str] | None = None) -> tuple[str, dict] | None:
    """What is wrong with an item's target for its kind, or None."""
    if not isinstance(target, str) or len(target) > MAX_TARGET or _has_control(target):
        return LONG_TEXT, {"max": MAX_TARGET}
    if kind == ItemKind.PRACTICAL:
        return (PRACTICAL_TARGET, {}) if target else None
    if kind == ItemKind.READING:
        if not DOCUMENT_TARGET.match(target):
            return DOCUMENT_FORMAT, {}
        if known_documents is not None and target.partition("#")[0] not in known_documents:
            return NO_DOCUMENT, {"target": target}
        return None
    if kind == ItemKind.QUIZ:
        return None if QUIZ_SLUG.match(target) else (QUIZ_FORMAT, {})
    parts = urlsplit(target) if " " not in target else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
        return URL, {}
    return None


def course_issues(data, known_documents: set[str] | None = None) -> list[Issue]:
    """Everything wrong with a course's structure (`known_documents`: check readings exist)."""
    issues: list[Issue] = []
    if not _fields(issues, data, (), COURSE_FIELDS, ("title", "items")):
        return issues
    if "title" in data:
        _text(issues, data["title"], ("title",), MAX_TITLE)
    if "description" in data:
        _text(issues, data["description"], ("description",), MAX_TEXT, required=False)
    items = data.get("items")
    if "items" in data and not isinstance(items, list):
        issues.append(Issue(("items",), LIST))
        return issues
    keys = set()
    for index, item in enumerate(items or ()):
        where = ("items", index)
        if not _fields(issues, item, where, ITEM_FIELDS, ("key", "kind", "title", "minutes", "required")):
            continue
        key = item.get("key")
        if "key" in item:
            if not isinstance(key, str) or not KEY.match(key):
                issues.append(Issue((*where, "key"), KEY_FORMAT))
            elif key in keys:
                issues.append(Issue((*where, "key"), REPEATED, {"key": key}))
            else:
                keys.add(key)
        kind = item.get("kind")
        if "kind" in item and kind not in KINDS:
            issues.append(Issue((*where, "kind"), KIND))
        if "title" in item:
            _text(issues, item["title"], (*where, "title"), MAX_TITLE)
        if kind in KINDS:
            if kind != ItemKind.PRACTICAL and not item.get("target"):
                issues.append(Issue((*where, "target"), REQUIRED))
            else:
                wrong = check_target(kind, item.get("target", ""), known_documents)
                if wrong:
                    issues.append(Issue((*where, "target"), *wrong))
        if "minutes" in item:
            _whole(issues, item["minutes"], (*where, "minutes"), 0, MAX_MINUTES)
        if "required" in item and not isinstance(item["required"], bool):
            issues.append(Issue((*where, "required"), BOOLEAN))
        if "description" in item:
            _text(issues, item["description"], (*where, "description"), MAX_TEXT, required=False)
    return issues


def path_issues(data, courses: dict[str, bool] | None) -> list[Issue]:
    """Everything wrong with a path's structure; `courses` maps known slugs to "archived?"."""
    issues: list[Issue] = []
    if not _fields(issues, data, (), PATH_FIELDS, PATH_FIELDS):
        return issues
    if "title" in data:
        _text(issues, data["title"], ("title",), MAX_TITLE)
    steps = data.get("steps")
    if "steps" in data and not isinstance(steps, list):
        issues.append(Issue(("steps",), LIST))
        return issues
    seen = set()
    for index, step in enumerate(steps or ()):
        where = ("steps", index)
        if not _fields(issues, step, where, STEP_FIELDS, ("course", "due_day")):
            continue
        course = step.get("course")
        if "course" in step:
            if not isinstance(course, str) or not COURSE_SLUG.match(course) \
                    or (courses is not None and course not in courses):
                issues.append(Issue((*where, "course"), NO_COURSE, {"course": str(course)[:100]}))
            elif courses is not None and courses[course]:
                issues.append(Issue((*where, "course"), ARCHIVED_COURSE, {"course": course}))
            elif course in seen:
                # A course twice in a path would send people round it again.
                issues.append(Issue((*where, "course"), LOOP, {"course": course}))
            if isinstance(course, str):
                seen.add(course)
        if "due_day" in step:
            _whole(issues, step["due_day"], (*where, "due_day"), 0, MAX_DUE_DAY)
        if "half_day" in step and step["half_day"] not in ("am", "pm", ""):
            issues.append(Issue((*where, "half_day"), HALF_DAY))
    return issues
