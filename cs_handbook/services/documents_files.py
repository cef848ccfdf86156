"""Content as files: `policies/` ⇄ documents (Markdown with YAML front matter; see docs/content-format.md).

Loading is idempotent: an unchanged file does nothing, a changed one adds a
published version, and a document edited on the web since the last load is
reported as a conflict and left alone. Export writes the canonical form
(fixed key order), so load → export reproduces the files byte for byte.
"""

import re
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ..content import DEFAULT_CONTENT_DIRS, ContentReport
from ..i18n import _
from ..models.documents import DocumentSection
from .documents import LOAD_COMMENT, DocumentError, DocumentService
from .documents_front import FileError, dump_yaml, key_line, parse_file, parse_section, problem, render_file

KIND_BY_FOLDER = {"handbook": "handbook", "policies": "policy", "roles": "role", "scripts": "scripts"}
SLUG_PART = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_MAX = 200

__all__ = ["FileError", "dump_yaml", "export", "load", "parse_file", "render_file"]


def _split(front: dict) -> dict:
    data = {k: v for k, v in front.items() if k not in ("title", "summary", "tags")}
    return {"title": front["title"].strip(), "summary": front["summary"], "tags": list(front.get("tags") or ()),
            "data": data}


def _content_of(version) -> dict:
    data = dict(version.data or {})
    data.setdefault("sources", [])  # written on the web: no sources, which a file says as `sources: []`
    return {"title": version.title, "summary": version.summary, "tags": list(version.tags or ()),
            "data": data, "body_md": version.body_md}


def _load_sections(service, folder: Path, report: ContentReport) -> tuple[dict, set]:
    """The sections whose `_section.yaml` is sound, and the folders whose file is not."""
    sections, broken = {}, set()
    for path in sorted(folder.rglob("_section.yaml")):
        rel = path.parent.relative_to(folder).as_posix()
        try:
            if len(rel) > SLUG_MAX:
                raise FileError([problem(_("${file}:${line}: the folder's path is longer than ${max} characters"),
                                         f"{rel}/_section.yaml", 1, max=SLUG_MAX)])
            values = parse_section(path, f"{rel}/_section.yaml")
        except FileError as error:
            report.errors.extend(error.problems)
            broken.add(rel)
            continue
        section = service.section_by_path(rel)
        if section is None:
            section = DocumentSection(path=rel, title=values["title"])
            service.dbsession.add(section)
        section.title = values["title"]
        section.order = values.get("order", 100)
        section.summary = values.get("summary") or ""
        sections[rel] = section
    service.dbsession.flush()
    return sections, broken


def _place(rel: str, sections: dict, broken: set) -> tuple[str, str, DocumentSection | None]:
    """(slug, kind, section) of the file at `rel`, or FileError when it sits in the wrong place."""
    slug = rel[:-3]
    parts = slug.split("/")
    if parts[0] not in KIND_BY_FOLDER or len(parts) < 2 or not all(SLUG_PART.match(p) for p in parts):
        raise FileError([problem(_("${file}:${line}: not under handbook/, policies/, roles/ or scripts/ "
                                   "with a lower-case a-z0-9- name"), rel, 1)])
    if len(slug) > SLUG_MAX:
        raise FileError([problem(_("${file}:${line}: the path is longer than ${max} characters"), rel, 1,
                                 max=SLUG_MAX)])
    folder_path = "/".join(parts[:-1])
    if folder_path in broken:
        raise FileError([problem(_("${file}:${line}: not loaded: the _section.yaml of ${section} has errors"),
                                 rel, 1, section=folder_path)])
    if folder_path not in sections and len(parts) > 2:
        # A sub-folder is a section only with its _section.yaml: without one the page would sit
        # in no section, out of the handbook's index.
        raise FileError([problem(_("${file}:${line}: unknown section ${section}: its folder has no "
                                   "_section.yaml"), rel, 1, section=folder_path)])
    return slug, KIND_BY_FOLDER[parts[0]], sections.get(folder_path)


def _moved_to(path: str, slug: str, sections: dict, file: Path, rel: str) -> DocumentSection:
    """The section a file's `section:` names: a loaded section of the same kind (top folder)."""
    top = slug.split("/")[0]
    if path not in sections or not (path == top or path.startswith(top + "/")):
        raise FileError([problem(_("${file}:${line}: section: no section ${section} among those of ${top}/"),
                                 rel, key_line(file, "section"), section=path, top=top)])
    return sections[path]


def load(request, folder: Path, progress) -> ContentReport:
    """Load every file of `folder`; a bad file is reported and skipped, the others load.

    Each file is checked completely before anything is written, then written
    inside a savepoint: a file is loaded entirely or not at all.
    """
    service = request.find_service(DocumentService)
    actor = request.identity.account if getattr(request, "identity", None) else None
    report = ContentReport()
    sections, broken = _load_sections(service, folder, report)
    files = sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")
    progress.start("policies", len(files))
    for path in files:
        rel = path.relative_to(folder).as_posix()
        progress.step(rel)
        try:
            slug, kind, section = _place(rel, sections, broken)
            front, body = parse_file(path, rel)
            if "section" in front:
                section = _moved_to(front["section"], slug, sections, path, rel)
            with service.dbsession.begin_nested():
                _load_one(service, report, rel, slug, kind, section, _split(front), body, actor)
        except FileError as error:
            report.errors.extend(error.problems)
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
        if loaded is not None and content == _content_of(loaded):
            report.unchanged += 1
            return
        for same in (latest, document.published_version):
            if same is not None and content == _content_of(same):
                # The file holds a version the site has (say, exported and copied back): from now
                # on the files are based on it, so a later edit of the file is an update.
                document.loaded_version_id = same.id
                report.unchanged += 1
                return
        if loaded is None or latest.id != loaded.id:
            report.conflicts.append(problem(_("${file}: edited on the site since the last load; the file was not "
                                              "loaded (export, merge by hand, then load again)"), rel))
            return
        if document.state == "archived":
            # A changed file brings an archived document back (and then publishes the file's text).
            service.transition(document, "restore", actor, LOAD_COMMENT)
        service.save(document, base_version_id=latest.id, author=actor, comment="content load", **content)
        service.publish_now(document, actor, "content load")
        document.loaded_version_id = document.latest_version_id
        report.updated += 1
    except DocumentError as error:
        field = f"{error.field}: " if error.field in FILE_FIELDS else ""
        raise FileError([problem(_("${file}:${line}: ${field}${message}"), rel, 1, field=field,
                                 message=_(error.msgid, mapping=error.mapping))]) from None
    except SQLAlchemyError as error:
        # Checked beforehand, so this is the database refusing something the checks let through:
        # the savepoint takes back this file's writes; the message is the database's own.
        raise FileError([problem(_("${file}:${line}: the database refused this file: ${problem}"), rel, 1,
                                 problem=str(getattr(error, "orig", error)).splitlines()[0])]) from None


FILE_FIELDS = {"title", "summary", "tags", "effective", "expires", "review_due", "order", "links"}


def export(request, folder: Path, progress) -> int:
    """Write every document's latest published version (else its latest) and every section.

    Only an export into the site's own content folder (the one `content load`
    reads by default) moves the conflict guard: its files now hold these
    versions. An export anywhere else leaves the guard alone, so loading a stale
    copy of the content folder later is still reported as a conflict.
    """
    own_folder = folder.resolve() == DEFAULT_CONTENT_DIRS["policies"].resolve()
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
        front = {"title": version.title, "summary": version.summary, "sources": [], **(version.data or {})}
        if version.tags:
            front["tags"] = list(version.tags)
        written += _write(folder / f"{document.slug}.md", render_file(front, version.body_md))
        if own_folder and document.loaded_version_id != version.id and document.published_version_id == version.id:
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
