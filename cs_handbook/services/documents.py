"""DocumentService: documents, versions, the review workflow, and what staff may read.

Every save is a new version rendered and sanitised once; a save must name
the version it was edited from, so two people editing the same version
cannot overwrite each other (the second is refused and keeps their text).
"""

from dataclasses import dataclass
from datetime import date

import colander
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from ..clock import Clock
from ..events import DocumentArchived, DocumentPublished, DocumentRestored
from ..i18n import _
from ..models.accounts import Account, Position
from ..models.documents import (
    Document,
    DocumentKind,
    DocumentLink,
    DocumentSection,
    DocumentState,
    DocumentTag,
    DocumentTransition,
    DocumentVersion,
)
from ..schemas.documents_files import DocumentDataSchema, invalid_fields
from .documents_front import field_name
from .documents_lists import DocumentListsMixin
from .documents_render import render_markdown
from .documents_search import DocumentSearchMixin, index_document, unindex_document

S = DocumentState
# (from states, to state) per action; who may act is the views' permission.
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    "submit": ({S.DRAFT}, S.PENDING),
    "approve": ({S.PENDING}, S.PUBLISHED),
    "send_back": ({S.PENDING}, S.DRAFT),
    # The author takes a submitted document back to go on editing it (Plone's "retract").
    "withdraw": ({S.PENDING}, S.DRAFT),
    "archive": ({S.DRAFT, S.PENDING, S.PUBLISHED}, S.ARCHIVED),
    # Plone's rule: back to published when it has a published version (staff read it, search finds it
    # again), else back to draft. With a working copy pending when archived, a draft whose published
    # version staff read. (`_restored_state`.)
    "restore": ({S.ARCHIVED}, None),
}
DATE_KEYS = ("effective", "expires", "review_due")
# What readers see for each state (the stored value stays the English key).
STATE_LABELS: dict[str, str] = {S.DRAFT: _("Draft"), S.PENDING: _("Pending review"), S.PUBLISHED: _("Published"),
                S.ARCHIVED: _("Archived")}
# Comments the site writes itself; stored in English, shown translated.
WORKING_COPY_COMMENT = "working copy"
LOAD_COMMENT = "content load"
REVERT_COMMENT = "revert to v{number}"
# A document by slug with its published version (and its section, a joined relationship): the page,
# other areas and links all read it. Built once: building it cost as much as running it.
_BY_SLUG = select(Document).where(Document.slug == bindparam("slug")).options(joinedload(Document.published_version))
# The active people holding a position (a role profile lists them), by name.
_HOLDERS = (select(Account.display_name).join(Position, Account.position_id == Position.id)
            .where(Position.code == bindparam("code"), Account.is_active.is_(True)).order_by(Account.display_name))


class DocumentError(ValueError):
    """A change refused for a reason the user can fix; `msgid` is translatable."""

    def __init__(self, msgid: str, mapping=None, field="title"):
        super().__init__(msgid)
        self.msgid = msgid
        self.mapping = mapping or {}
        self.field = field


@dataclass
class PublishedDocument:
    """What other areas read: the published version of a document."""

    id: int
    slug: str
    title: str
    kind: str
    summary: str
    data: dict
    body_html: str
    tags: list
    version_id: int


def _parse_date(value):
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _check_content(title: str, tags, data: dict) -> None:
    """What any writer (form, file, script) must respect: the columns' limits and the shape of `data`.

    The form and the file loader check the same things with their own messages
    first; this keeps a caller that skipped them from storing what PostgreSQL
    refuses or what the drill and the QA check cannot read.
    """
    if not (title or "").strip() or len(title) > 200:
        raise DocumentError(_("A title of 1 to 200 characters is required."), field="title")
    if len(tags or ()) > 20 or any(not isinstance(t, str) or not t or len(t) > 50 for t in tags or ()):
        raise DocumentError(_("At most 20 tags of up to 50 characters each."), field="tags")
    try:
        DocumentDataSchema().deserialize(data)
    except colander.Invalid as error:
        path, message = invalid_fields(error)[0]
        if path == ("expires",):
            raise DocumentError(_("The expiry date must come after the effective date."), field="expires") from None
        raise DocumentError(_("${field}: ${message}"), {"field": field_name(path) or "data", "message": message},
                            field="body_md") from None


class DocumentService(DocumentListsMixin, DocumentSearchMixin):
    """Documents, versions and the workflow; lists (`documents_lists`) and search (`documents_search`)."""

    def __init__(self, dbsession, clock: Clock, request=None):
        self.dbsession = dbsession
        self.clock = clock
        self.request = request

    def today(self) -> date:
        return self.clock.now().date()

    # -- look-ups --------------------------------------------------------

    def by_slug(self, slug: str) -> Document | None:
        return self.dbsession.scalar(_BY_SLUG, {"slug": slug})

    def position_holders(self, code: str) -> list:
        """Rows of `display_name`: who holds the position `code` now."""
        return list(self.dbsession.connection().execute(_HOLDERS, {"code": code}))

    def by_id(self, document_id: int) -> Document | None:
        return self.dbsession.get(Document, document_id)

    def version(self, document: Document, version_id: int) -> DocumentVersion | None:
        version = self.dbsession.get(DocumentVersion, version_id)
        return version if version is not None and version.document_id == document.id else None

    def versions(self, document: Document) -> list[DocumentVersion]:
        return list(self.dbsession.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id)
                                           .order_by(DocumentVersion.number.desc())))

    def transitions(self, document: Document) -> list[DocumentTransition]:
        return list(self.dbsession.scalars(select(DocumentTransition).where(
            DocumentTransition.document_id == document.id).order_by(DocumentTransition.id.desc())))

    def sections(self) -> list[DocumentSection]:
        return list(self.dbsession.scalars(select(DocumentSection).order_by(DocumentSection.order,
                                                                            DocumentSection.path)))

    def section_by_path(self, path: str) -> DocumentSection | None:
        return self.dbsession.scalar(select(DocumentSection).where(DocumentSection.path == path))

    def readable(self, document: Document, see_all: bool) -> bool:
        """Staff read published, current documents; editors (`see_all`) also expired ones."""
        if document.published_version_id is None or document.state == S.ARCHIVED:
            return see_all
        return see_all or document.is_current(self.today())

    # -- what other areas read ---------------------------------------------

    def _as_published(self, document: Document) -> PublishedDocument:
        v = document.published_version
        assert v is not None  # only readable (published) documents are shown to other areas
        return PublishedDocument(document.id, document.slug, v.title, document.kind, v.summary, dict(v.data or {}),
                                 v.body_html, list(v.tags or ()), v.id)

    def published(self, slug: str) -> PublishedDocument | None:
        document = self.by_slug(slug)
        if document is None or not self.readable(document, see_all=False):
            return None
        return self._as_published(document)

    def published_of_kind(self, kind: str) -> list[PublishedDocument]:
        return [self._as_published(d) for d in self.listed(kind=kind)]

    # -- changes ---------------------------------------------------------

    def create(self, *, slug: str, kind: str, title: str, body_md: str = "", summary: str = "", tags=(),
               data=None, author=None, comment: str = "", section: DocumentSection | None = None) -> Document:
        if kind not in set(DocumentKind):
            raise DocumentError(_("Unknown kind ${kind}."), {"kind": kind}, field="kind")
        if self.by_slug(slug) is not None:
            raise DocumentError(_("A document with the address ${slug} exists."), {"slug": slug}, field="slug")
        now = self.clock.now()
        document = Document(slug=slug, kind=kind, title=title, state=S.DRAFT, section=section, created_at=now,
                            updated_at=now, owner_id=author.id if author else None)
        self.dbsession.add(document)
        self.dbsession.flush()
        self._add_version(document, None, title=title, body_md=body_md, summary=summary, tags=tags, data=data,
                          author=author, comment=comment)
        self._log(document, "", S.DRAFT, author, comment)
        return document

    def save(self, document: Document, *, base_version_id: int | None, title: str, body_md: str,
             summary: str = "", tags=(), data=None, author=None, comment: str = "") -> DocumentVersion:
        """A new version after `base_version_id`, which must still be the latest one."""
        self.lock(document)
        if base_version_id != document.latest_version_id:
            raise DocumentError(_("Someone saved this document after you opened it; your text was not saved over "
                                "theirs. Copy your changes, reload, and apply them again."), field="body_md")
        if document.state == S.ARCHIVED:
            raise DocumentError(_("An archived document cannot be edited."), field="body_md")
        if document.state == S.PENDING:
            raise DocumentError(_("This document is waiting for review; it can be edited after it is sent back."),
                                field="body_md")
        version = self._add_version(document, document.latest_version, title=title, body_md=body_md,
                                    summary=summary, tags=tags, data=data, author=author, comment=comment)
        if document.state == S.PUBLISHED:
            # The working copy: staff keep reading `published_version`.
            self._log(document, S.PUBLISHED, S.DRAFT, author, comment or WORKING_COPY_COMMENT)
            document.state = S.DRAFT
        if document.published_version_id is None:
            document.title = title
        return version

    def lock(self, document: Document) -> None:
        """Take the document's row lock and re-read it, for a change that depends on its current state.

        Two saves made from the same version must not both pass the base-version
        check: on PostgreSQL the second waits here until the first commits, then
        sees the new latest version and is refused. (SQLite writers already queue
        at BEGIN.) Also numbers versions safely: max + 1 under the lock.
        """
        if document.id is not None:
            self.dbsession.flush()  # what this request changed so far is kept, not re-read away
            self.dbsession.execute(select(Document.id).where(Document.id == document.id).with_for_update())
            self.dbsession.refresh(document)

    def revert(self, document: Document, version: DocumentVersion, author=None) -> DocumentVersion:
        comment = REVERT_COMMENT.format(number=version.number)
        return self.save(document, base_version_id=document.latest_version_id, title=version.title,
                         body_md=version.body_md, summary=version.summary, tags=version.tags,
                         data=version.data, author=author, comment=comment)

    def transition(self, document: Document, action: str, actor=None, comment: str = "") -> None:
        if action not in TRANSITIONS:
            raise DocumentError(_("Unknown action."), field="comment")
        self.lock(document)
        sources, target = TRANSITIONS[action]
        if document.state not in sources:
            raise DocumentError(_("This action is not possible while the document is ${state}."),
                                {"state": STATE_LABELS[document.state]}, field="comment")
        if action == "send_back" and not comment.strip():
            raise DocumentError(_("Say what needs changing when sending a document back."), field="comment")
        if action == "approve" and self.is_own_change(document, actor):
            raise DocumentError(_("You submitted or wrote this change, so another reviewer must approve it."),
                                field="comment")
        if target is None:  # restore: where to depends on the document
            target = self._restored_state(document)
        self._log(document, document.state, target, actor, comment)
        document.state = target
        document.updated_at = self.clock.now()
        if action == "approve":
            self._publish(document)
        elif action == "archive":
            unindex_document(self.dbsession, document.id)
            self._notify(DocumentArchived(self.request, document.id, document.slug, document.kind))
        elif action == "restore":
            if document.published_version is not None:
                index_document(self.dbsession, document, document.published_version)
            self._notify(DocumentRestored(self.request, document.id, document.slug, document.kind,
                                          document.published_version_id))

    def is_own_change(self, document: Document, actor) -> bool:
        """Whether `actor` (not an admin) submitted the pending change or wrote its latest version."""
        from ..models.accounts import GlobalRole

        if actor is None or GlobalRole.ADMIN in actor.global_roles:
            return False
        if document.latest_version is not None and document.latest_version.author_id == actor.id:
            return True
        submitter = self.dbsession.scalar(
            select(DocumentTransition.actor_id).where(DocumentTransition.document_id == document.id,
                                                      DocumentTransition.to_state == S.PENDING)
            .order_by(DocumentTransition.id.desc()).limit(1))
        return submitter == actor.id

    @staticmethod
    def _restored_state(document: Document) -> str:
        if document.published_version_id is None:
            return S.DRAFT
        return S.PUBLISHED if document.latest_version_id == document.published_version_id else S.DRAFT

    def _notify(self, event) -> None:
        if self.request is not None:
            self.request.registry.notify(event)

    def publish_now(self, document: Document, actor=None, comment: str = "") -> None:
        """Publish the latest version at once (default content loaded by an admin)."""
        if document.state != S.PUBLISHED or document.published_version_id != document.latest_version_id:
            self._log(document, document.state, S.PUBLISHED, actor, comment)
            document.state = S.PUBLISHED
            self._publish(document)

    def _publish(self, document: Document) -> None:
        version = document.latest_version
        assert version is not None  # every document is created with its first version
        document.published_version = version
        document.published_at = self.clock.now()
        document.title = version.title
        data = version.data or {}
        document.order = int(data.get("order", 100))
        # The section named in the version (a move), else the one of the address's folder.
        section = self.section_by_path(data.get("section") or document.slug.rsplit("/", 1)[0])
        if section is not None or "section" in data:
            document.section = section
        document.effective_date = _parse_date(data.get("effective"))
        document.expiry_date = _parse_date(data.get("expires"))
        document.review_due = _parse_date(data.get("review_due"))
        self.dbsession.flush()
        self._replace_rows(DocumentTag, document, [{"tag": t} for t in dict.fromkeys(version.tags or ())])
        self._replace_rows(DocumentLink, document, [{"target_slug": s} for s in dict.fromkeys(data.get("links", ()))])
        index_document(self.dbsession, document, version)
        self._notify(DocumentPublished(self.request, document.id, document.slug, document.kind, version.id))

    def _replace_rows(self, model, document, rows) -> None:
        for row in self.dbsession.scalars(select(model).where(model.document_id == document.id)):
            self.dbsession.delete(row)
        self.dbsession.flush()
        for row in rows:
            self.dbsession.add(model(document_id=document.id, **row))

    def _add_version(self, document, base, *, title, body_md, summary, tags, data, author, comment):
        data = dict(data or {})
        for key in DATE_KEYS:
            if isinstance(data.get(key), date):
                data[key] = data[key].isoformat()
            elif data.get(key) is None:
                data.pop(key, None)
        _check_content(title, tags, data)
        number = (base.number + 1) if base is not None else 1
        if base is not None:
            number = self.dbsession.execute(select(func.max(DocumentVersion.number))
                                            .where(DocumentVersion.document_id == document.id)).scalar_one() + 1
        version = DocumentVersion(document_id=document.id, number=number, base_version_id=base.id if base else None,
                                  author_id=author.id if author else None, created_at=self.clock.now(),
                                  comment=comment or "", title=title, summary=summary or "", body_md=body_md or "",
                                  body_html=render_markdown(body_md), tags=list(tags or ()), data=data)
        self.dbsession.add(version)
        self.dbsession.flush()
        document.latest_version = version
        document.updated_at = version.created_at
        return version

    def _log(self, document, from_state, to_state, actor, comment) -> None:
        # The relationship, not the column: `latest_version_id` is written only at the next flush
        # (post_update), and "what changed" finds the published versions from these rows.
        latest = document.latest_version
        self.dbsession.add(DocumentTransition(document_id=document.id,
                                              version_id=latest.id if latest is not None else None,
                                              from_state=from_state, to_state=to_state,
                                              actor_id=actor.id if actor else None, at=self.clock.now(),
                                              comment=comment or ""))

def includeme(config):
    def factory(context, request):
        return DocumentService(request.dbsession, request.find_service(Clock), request)

    config.register_service_factory(factory, DocumentService)
