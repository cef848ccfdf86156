"""The bank as files: load and export `training/questions/*.yaml` and `training/quizzes/*.yaml`.

Only those two subfolders of `training/` are ours. Loading is idempotent
(unchanged questions keep their version); export writes the canonical form
(`dump_yaml`), so load → export reproduces canonical files byte for byte.
"""

import enum
from pathlib import Path
from typing import Any

import yaml

from ..clock import Clock
from ..content import ContentReport, Problem
from ..i18n import _
from ..models.quizzes import REVIEW_PARTS
from .quizzes_bank import MAX_KEY, TYPE_FIELDS, BankService, check_fields, review_settings
from .quizzes_grading import AnswerError

QUIZ_DEFAULTS = {"description": "", "pass_mark": 80, "time_limit_minutes": None, "attempts_allowed": 0,
                 "grading": "highest", "shuffle_questions": False, "shuffle_options": False,
                 "one_per_page": False}
# Derived from policies/roles by quizzes_roles: loaded, never exported.
GENERATED_CATEGORIES = ("role-duties",)
GENERATED_QUIZ_PREFIX = "role-"
GRADINGS = ("highest", "last", "first", "average")


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Block sequences indented under their key, as the files are written by hand.
        return super().increase_indent(flow, False)


class BlockList(list):
    """A list of scalars written one per line (a quiz's question ids)."""


FLOW_WIDTH = 80


def _represent_list(dumper, data):
    # Short lists of scalars on one line (tags, accepted answers); long ones one item a line.
    scalars = all(isinstance(v, (str, int, float, bool)) and "\n" not in str(v) for v in data)
    flow = bool(data) and scalars and sum(len(str(v)) + 2 for v in data) <= FLOW_WIDTH
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_block_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=False)


def _represent_str(dumper, data):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    # A string that cannot stay plain ("8", "yes", ": x") is double-quoted, never single-quoted.
    analysis = dumper.analyze_scalar(data)
    plain = (analysis.allow_flow_plain and analysis.allow_block_plain and data
             and dumper.resolve(yaml.ScalarNode, data, (True, False)) == "tag:yaml.org,2002:str")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=None if plain else '"')


def _represent_enum(dumper, data):
    # A setting still held as its enum (a quiz saved in this same transaction) is written as its value,
    # as it is once read back from the database.
    return _represent_str(dumper, str(data.value))


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(BlockList, _represent_block_list)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(enum.StrEnum, _represent_enum)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6,
                     default_flow_style=False)


def _number(value):
    return int(value) if float(value).is_integer() else float(value)


# -- questions -------------------------------------------------------------


def question_fields(item: dict) -> tuple[dict, list]:
    """(version fields, tags) from one YAML question; raises AnswerError for a bad one."""
    if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"].isascii():
        raise AnswerError("A question needs an ascii key.")
    qtype = item.get("type")
    if qtype not in TYPE_FIELDS:
        raise AnswerError("Unknown question type.")
    if not str(item.get("text") or "").strip():
        raise AnswerError("A question needs its text.")
    data = {name: item[name] for name in TYPE_FIELDS[qtype] if name in item}
    if qtype in ("single", "multiple"):
        data["options"] = [{k: o[k] for k in ("text", "correct", "feedback") if k in o and o[k] not in (None, False)}
                           for o in data.get("options") or [] if isinstance(o, dict)]
    if qtype == "short":
        data["answers"] = [str(a) for a in data.get("answers") or []]
    try:
        points = float(item.get("points", 1))
    except (TypeError, ValueError) as error:
        raise AnswerError("The points must be a number from 0.1 to 100.") from error
    fields = {"type": qtype, "text": str(item["text"]), "source": str(item.get("source") or ""),
              "points": points, "explanation": str(item.get("explanation") or ""), "data": data}
    tags = [str(t) for t in item.get("tags") or []]
    return fields, tags


def question_yaml(question) -> dict:
    version = question.current
    out = {"key": question.key, "type": version.type, "text": version.text}
    if version.source:
        out["source"] = version.source
    if question.tags:
        out["tags"] = list(question.tags)
    if version.points != 1:
        out["points"] = _number(version.points)
    # Choice questions end with their (long, nested) options; the others end with the explanation.
    fields = [name for name in TYPE_FIELDS[version.type] if name in version.data]
    if version.type in ("single", "multiple"):
        fields = ["explanation", *fields]
    else:
        fields.append("explanation")
    for name in fields:
        if name == "explanation":
            if version.explanation:
                out["explanation"] = version.explanation
        else:
            out[name] = version.data[name]
    return out


def load_questions(bank: BankService, folder: Path, report: ContentReport) -> None:
    """Load each question file whole or not at all (as documents and training load theirs).

    A file with a bad question is reported, question by question, and left out: loading the
    rest of it would leave the bank half way between the old file and the new one.
    """
    for path in sorted((folder / "questions").glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (UnicodeDecodeError, yaml.YAMLError) as error:
            report.errors.append(f"{path.name}: {error}")
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("questions") or [], list):
            report.errors.append(Problem(_(FILE_NOT_LOADED, mapping={"file": path.name})))
            continue
        _load_question_file(bank, path.name, doc, report)


FILE_NOT_LOADED = "${file} was not loaded: fix it and load it again."
BAD_QUESTION = "${file}, question ${number}: ${problem}"


class _FileRefused(Exception):
    """Raised inside a file's savepoint so that its writes are taken back."""


def _load_question_file(bank: BankService, name: str, doc: dict, report: ContentReport) -> None:
    problems: list[tuple[int, str]] = []
    parsed = []
    for position, item in enumerate(doc.get("questions") or []):
        try:
            fields, tags = question_fields(item)
            check_fields(fields)  # what the bank checks too, so every bad question is named before writing
            if len(item["key"]) > MAX_KEY:
                raise AnswerError("A question needs an ascii key.")
            parsed.append((position, item["key"], fields, tags))
        except AnswerError as error:
            problems.append((position, error.msgid))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not problems:
        try:
            with bank.dbsession.begin_nested():
                category = bank.ensure_category(Path(name).stem, str(doc.get("category") or Path(name).stem),
                                                str(doc.get("description") or ""))
                for position, key, fields, tags in parsed:
                    try:
                        _question, status = bank.save_question(category, key, fields, tags, position=position)
                    except AnswerError as error:  # checks only the bank makes (a key taken in the file twice…)
                        problems.append((position, error.msgid))
                        continue
                    counts[status] += 1
                if problems:
                    raise _FileRefused
        except _FileRefused:
            pass
    if problems:
        report.errors += [Problem(_(BAD_QUESTION, mapping={"file": name, "number": position + 1,
                                                           "problem": _(msgid)})) for position, msgid in problems]
        report.errors.append(Problem(_(FILE_NOT_LOADED, mapping={"file": name})))
        return
    for status, count in counts.items():
        setattr(report, status, getattr(report, status) + count)


def export_questions(bank: BankService, folder: Path) -> int:
    target = folder / "questions"
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    for category in bank.categories():
        if category.slug in GENERATED_CATEGORIES:
            continue
        doc: dict[str, object] = {"category": category.title}
        if category.description:
            doc["description"] = category.description
        doc["questions"] = [question_yaml(q) for q in sorted(category.questions, key=lambda q: q.position)]
        (target / f"{category.slug}.yaml").write_text(dump_yaml(doc), encoding="utf-8")
        written += 1
    return written


# -- quizzes -----------------------------------------------------------------


def quiz_settings(doc: dict) -> dict:
    settings: dict[str, Any] = {"title": str(doc.get("title") or "").strip()}
    if not settings["title"]:
        raise AnswerError("A quiz needs a title.")
    for name, default in QUIZ_DEFAULTS.items():
        settings[name] = doc.get(name, default)
    if settings["grading"] not in GRADINGS:
        raise AnswerError("Unknown grading method or review option.")
    # `review: <when>` for every part, or a mapping part → when (the form the export writes).
    settings.update(review_settings(doc.get("review", "after_submit")))
    settings["pass_mark"] = float(settings["pass_mark"])
    return settings


def quiz_slots(doc: dict) -> list:
    """The slots in order: `questions` holds ids and, where a random draw sits among them, its mapping;
    `random` (the draws after every fixed question) follows."""
    def draw(entry):
        return (str(entry["category"]), int(entry.get("count", 1)))

    slots = [draw(q) if isinstance(q, dict) else str(q) for q in doc.get("questions") or []]
    return slots + [draw(r) for r in doc.get("random") or []]


def load_quizzes(bank: BankService, folder: Path, report: ContentReport) -> None:
    for path in sorted((folder / "quizzes").glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            settings = quiz_settings(doc)
            with bank.dbsession.begin_nested():  # a quiz refused half way leaves nothing behind
                _, status = bank.save_quiz(path.stem, settings, slots=quiz_slots(doc))
        except (UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
            report.errors.append(f"{path.name}: {getattr(error, 'msgid', error)}")
            continue
        setattr(report, status, getattr(report, status) + 1)


def quiz_yaml(quiz) -> dict:
    out = {"title": quiz.title}
    for name, default in QUIZ_DEFAULTS.items():
        value = getattr(quiz, name)
        if name == "pass_mark":
            value = _number(value)
        if name in ("pass_mark", "attempts_allowed", "grading") or value != default:
            out[name] = value
    fixed = [s.question.ident for s in quiz.slots if s.question is not None]
    random = [{"category": s.category.slug, "count": s.count} for s in quiz.slots if s.category is not None]
    kinds = [s.question is not None for s in quiz.slots]
    if kinds == sorted(kinds, reverse=True):
        # Fixed questions first, then the draws: the two lists.
        if fixed:
            out["questions"] = BlockList(fixed)
        if random:
            out["random"] = random
    else:
        # A draw placed among the fixed questions stays where the trainer put it.
        out["questions"] = [s.question.ident if s.question is not None
                            else {"category": s.category.slug, "count": s.count} for s in quiz.slots]
    out["review"] = {part: getattr(quiz, f"review_{part}") for part in REVIEW_PARTS}
    return out


def export_quizzes(bank: BankService, folder: Path) -> int:
    target = folder / "quizzes"
    target.mkdir(parents=True, exist_ok=True)
    quizzes = [q for q in bank.quizzes() if not q.slug.startswith(GENERATED_QUIZ_PREFIX)]
    for quiz in quizzes:
        (target / f"{quiz.slug}.yaml").write_text(dump_yaml(quiz_yaml(quiz)), encoding="utf-8")
    return len(quizzes)


# -- the content handler -------------------------------------------------------


def _bank(request) -> BankService:
    return BankService(request.dbsession, request.find_service(Clock))


def load(request, folder: Path, progress) -> ContentReport:
    report = ContentReport()
    bank = _bank(request)
    load_questions(bank, Path(folder), report)
    load_quizzes(bank, Path(folder), report)
    roles = Path(folder).parent / "policies" / "roles"
    if roles.is_dir():
        from .quizzes_roles import generate

        generate(bank, roles, report)
    return report


def export(request, folder: Path, progress) -> int:
    bank = _bank(request)
    return export_questions(bank, Path(folder)) + export_quizzes(bank, Path(folder))


def register(config):
    config.add_content_handler("quizzes", "training", load, export, order=30)
