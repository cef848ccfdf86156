"""Content as files: `policies/` ⇄ documents (Markdown with YAML front matter; see docs/content-format.md).

Loading is idempotent: an unchanged file does nothing, a changed one adds a
published version, and a document edited on the web since the last load is
reported as a conflict and left alone. Export writes the canonical form
(fixed key order), so load → export reproduces the files byte for byte.
"""

import re
from pathlib import Path

import yaml

from ..content import ContentReport, Problem
from ..i18n import _
from ..models.documents import DocumentSection
from .documents import DocumentError, DocumentService

KIND_BY_FOLDER = {"handbook": "handbook", "policies": "policy", "roles": "role", "scripts": "scripts"}
FOLDER_BY_KIND = {v: k for k, v in KIND_BY_FOLDER.items()}
KEY_ORDER = ("title", "order", "summary", "tags", "sources", "links", "position", "position_name", "department",
             "duties", "situations", "procedures", "facts", "effective", "expires", "review_due")
SECTION_KEYS = ("title", "order", "summary")
SLUG_PART = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class FileError(ValueError):
    """A file that cannot be loaded; `problem` names the file and line, translatably."""

    def __init__(self, path, line, message, **mapping):
        self.problem = _problem(message, path, line, **mapping)
        super().__init__(str(self.problem))


def _problem(message, path, line=None, **mapping) -> Problem:
    return Problem(_(message, mapping={"file": path, "line": line, **mapping}))


class _Dumper(yaml.SafeDumper):
    # Indent list items under their key, the way people write YAML by hand.
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False)


def canonical_front(front: dict) -> dict:
    ordered = {k: front[k] for k in KEY_ORDER if k in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    return ordered


def render_file(front: dict, body: str) -> str:
    body = body.strip("\n")
    return "---\n" + dump_yaml(canonical_front(front)) + "---\n" + (f"\n{body}\n" if body else "")


def parse_file(path: Path, rel: str) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise FileError(rel, 1, _("${file}:${line}: the file must start with a '---' line (YAML front matter)"))
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        raise FileError(rel, 1, _("${file}:${line}: the front matter has no closing '---' line"))
    try:
        front = yaml.safe_load(text[4:end + 1])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 0-based, +1 for the opening '---'
        raise FileError(rel, line, _("${file}:${line}: invalid YAML: ${problem}"),
                        problem=str(getattr(error, "problem", error))) from None
    if not isinstance(front, dict):
        raise FileError(rel, 2, _("${file}:${line}: the front matter must be a mapping of keys"))
    for key in ("title", "summary"):
        if not isinstance(front.get(key), str) or not front[key].strip():
            raise FileError(rel, _line_of(text, key), _("${file}:${line}: '${key}' is required and must be text"),
                            key=key)
    if not isinstance(front.get("sources"), list):
        raise FileError(rel, _line_of(text, "sources"),
                        _("${file}:${line}: '${key}' is required and must be a list"), key="sources")
    for key in ("tags", "links", "duties", "situations", "procedures", "facts"):
        if key in front and not isinstance(front[key], list):
            raise FileError(rel, _line_of(text, key), _("${file}:${line}: '${key}' must be a list"), key=key)
    if "order" in front and not isinstance(front["order"], int):
        raise FileError(rel, _line_of(text, "order"), _("${file}:${line}: '${key}' must be a whole number"),
                        key="order")
    for key in ("effective", "expires", "review_due"):
        if key in front:
            front[key] = str(front[key])
    body = text[end + 5:]
    return front, body


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 2


def _split(front: dict) -> dict:
    data = {k: v for k, v in front.items() if k not in ("title", "summary", "tags")}
    return {"title": front["title"].strip(), "summary": front["summary"], "tags": list(front.get("tags") or ()),
            "data": data}


def _content_of(version) -> dict:
    return {"title": version.title, "summary": version.summary, "tags": list(version.tags or ()),
            "data": dict(version.data or {}), "body_md": version.body_md}


def _load_sections(service, folder: Path, report: ContentReport) -> dict:
    sections = {}
    for path in sorted(folder.rglob("_section.yaml")):
        rel = path.parent.relative_to(folder).as_posix()
        try:
            values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            report.errors.append(_problem(_("${file}:${line}: invalid YAML: ${problem}"), f"{rel}/_section.yaml",
                                          mark.line + 1 if mark else 1,
                                          problem=str(getattr(error, "problem", error))))
            continue
        if not isinstance(values, dict) or not isinstance(values.get("title"), str):
            report.errors.append(_problem(_("${file}:${line}: '${key}' is required and must be text"),
                                          f"{rel}/_section.yaml", 1, key="title"))
            continue
        section = service.section_by_path(rel)
        if section is None:
            section = DocumentSection(path=rel, title=values["title"])
            service.dbsession.add(section)
        section.title = values["title"]
        section.order = int(values.get("order", 100))
        section.summary = values.get("summary") or ""
        sections[rel] = section
    service.dbsession.flush()
    return sections


def load(request, folder: Path, progress) -> ContentReport:
    service = request.find_service(DocumentService)
    actor = request.identity.account if getattr(request, "identity", None) else None
    report = ContentReport()
    sections = _load_sections(service, folder, report)
    files = sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")
    progress.start("policies", len(files))
    for path in files:
        rel = path.relative_to(folder).as_posix()
        progress.step(rel)
        slug = rel[:-3]
        parts = slug.split("/")
        if parts[0] not in KIND_BY_FOLDER or len(parts) < 2 or not all(SLUG_PART.match(p) for p in parts):
            report.errors.append(_problem(_("${file}:${line}: not under handbook/, policies/, roles/ or scripts/ "
                                            "with a lower-case a-z0-9- name"), rel, 1))
            continue
        folder_path = "/".join(parts[:-1])
        if folder_path not in sections and len(parts) > 2:
            # A sub-folder is a section only with its _section.yaml: without one the page would sit
            # in no section, out of the handbook's index.
            report.errors.append(_problem(_("${file}:${line}: unknown section ${section}: its folder has no "
                                            "_section.yaml"), rel, 1, section=folder_path))
            continue
        try:
            front, body = parse_file(path, rel)
        except FileError as error:
            report.errors.append(error.problem)
            continue
        _load_one(service, report, rel, slug, KIND_BY_FOLDER[parts[0]], sections.get("/".join(parts[:-1])),
                  _split(front), body, actor)
    progress.done()
    return report


def _load_one(service, report, rel, slug, kind, section, content, body, actor) -> None:
    content["body_md"] = body.strip("\n")
    document = service.by_slug(slug)
    try:
        if document is None:
            document = service.create(slug=slug, kind=kind, section=section, author=actor, comment="content load",
                                      **content)
            document.owner_id = None
            service.publish_now(document, actor, "content load")
            document.loaded_version_id = document.latest_version_id
            report.created += 1
            return
        document.section = section
        latest = document.latest_version
        loaded = service.version(document, document.loaded_version_id) if document.loaded_version_id else None
        if content == _content_of(latest) or (loaded is not None and content == _content_of(loaded)):
            report.unchanged += 1
            return
        if loaded is None or latest.id != loaded.id:
            report.conflicts.append(_problem(_("${file}: edited on the site since the last load; the file was not "
                                               "loaded (export, merge by hand, then load again)"), rel))
            return
        if document.state == "archived":
            document.state = "draft"
        service.save(document, base_version_id=latest.id, author=actor, comment="content load", **content)
        service.publish_now(document, actor, "content load")
        document.loaded_version_id = document.latest_version_id
        report.updated += 1
    except DocumentError as error:
        report.errors.append(_problem(_("${file}:${line}: ${message}"), rel, 1,
                                      message=_(error.msgid, mapping=error.mapping)))


def export(request, folder: Path, progress) -> int:
    """Write every document's latest published version (else its latest) and every section."""
    service = request.find_service(DocumentService)
    written = 0
    for section in service.sections():
        values = {"title": section.title, "order": section.order}
        if section.summary:
            values["summary"] = section.summary
        written += _write(folder / section.path / "_section.yaml", dump_yaml(values))
    from sqlalchemy import select

    from ..models.documents import Document

    documents = list(service.dbsession.scalars(select(Document).order_by(Document.slug)))
    progress.start("policies export", len(documents))
    for document in documents:
        progress.step(document.slug)
        version = document.published_version or document.latest_version
        front = {"title": version.title, "summary": version.summary, **(version.data or {})}
        if version.tags:
            front["tags"] = list(version.tags)
        written += _write(folder / f"{document.slug}.md", render_file(front, version.body_md))
        if document.loaded_version_id != version.id and document.published_version_id == version.id:
            # The files now hold this version: a later load must not call it a conflict.
            document.loaded_version_id = version.id
    progress.done()
    return written


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return 0
    path.write_text(text, encoding="utf-8")
    return 1
