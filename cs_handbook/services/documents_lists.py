"""What lists of documents DocumentService gives: what staff may see, the review queue, drafts,
re-verification, the archive (a mixin: one service class, kept in small files)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import joinedload

from ..models.documents import Document, DocumentLink, DocumentState, DocumentTag, DocumentTransition, DocumentVersion

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

S = DocumentState


def _published_where() -> tuple:
    """Published and not archived: what anyone may open (editors see expired pages too)."""
    return Document.published_version_id.is_not(None), Document.state != S.ARCHIVED


def _current_where(today) -> tuple:
    """In force on `today` (a date or a bound parameter): what staff may see of the published."""
    return (Document.effective_date.is_(None) | (Document.effective_date <= today),
            Document.expiry_date.is_(None) | (Document.expiry_date > today))


def _page_links_stmt(see_all: bool):
    """A page's "see also" (direction 0, the slugs it names) and "what links here" (direction 1) in one
    Core statement of slugs and titles, built once: the page runs it on every view, and building
    the ORM statements and objects for them took longer than the rest of its queries."""
    to: Select = select(literal_column("0").label("direction"), Document.slug, Document.title, Document.order).where(
        Document.slug.in_(bindparam("slugs", expanding=True)))
    from_: Select = (select(literal_column("1"), Document.slug, Document.title, Document.order)
                     .join(DocumentLink, DocumentLink.document_id == Document.id)
                     .where(DocumentLink.target_slug == bindparam("slug"), *_published_where()))
    if not see_all:  # editors follow links to any document and see expired pages linking here
        current = _current_where(bindparam("today"))
        to = to.where(*_published_where(), *current)
        from_ = from_.where(*current)
    both = union_all(to, from_)
    columns = both.selected_columns
    return both.order_by(columns.direction, columns.order, columns.slug)


_PAGE_LINKS = {see_all: _page_links_stmt(see_all) for see_all in (False, True)}
# The review queue's navigation badge: documents waiting for a reviewer.
PENDING_COUNT = select(func.count()).select_from(Document).where(Document.state == S.PENDING)


@dataclass
class PendingReview:
    """A document waiting for review, with its submission."""

    document: Document
    submitter: object  # Account | None
    submitted_at: object  # datetime | None
    comment: str

    @property
    def compare_ids(self) -> tuple[int, int] | None:
        """The versions a reviewer compares: what staff read now → what would be published."""
        document = self.document
        if document.published_version_id is None or document.latest_version_id is None:
            return None
        return document.published_version_id, document.latest_version_id


class DocumentListsMixin:
    """Lists of DocumentService (needs `dbsession` and `today()`)."""

    if TYPE_CHECKING:
        dbsession: Session

        def today(self) -> date: ...

    def _visible_stmt(self, see_all: bool):
        stmt = select(Document).where(*_published_where())
        return stmt if see_all else stmt.where(*_current_where(self.today()))

    def listed(self, see_all=False, kind=None) -> list[Document]:
        stmt = self._visible_stmt(see_all).order_by(Document.order, Document.slug)
        if kind:
            stmt = stmt.where(Document.kind == kind)
        return list(self.dbsession.scalars(stmt))

    def entries(self, see_all=False, section_id: int | None = None) -> list:
        """The handbook index's lines (one section's, if given), in their order: rows of `slug`,
        `title`, `section_id` and the published version's `summary`. Rows, not documents: a section
        of 200 pages loaded through the ORM, each with its whole published version, took two
        thirds of its index page's 16 ms."""
        stmt = (self._visible_stmt(see_all)
                .with_only_columns(Document.slug, Document.title, Document.section_id, DocumentVersion.summary)
                .outerjoin(DocumentVersion, DocumentVersion.id == Document.published_version_id)
                .order_by(Document.order, Document.slug))
        if section_id is not None:
            stmt = stmt.where(Document.section_id == section_id)
        return list(self.dbsession.execute(stmt))

    def recently_updated(self, see_all=False, limit=8) -> list[Document]:
        """The documents whose published text changed last (not drafts or workflow steps)."""
        stmt = self._visible_stmt(see_all).order_by(Document.published_at.desc(), Document.id.desc()).limit(limit)
        return list(self.dbsession.scalars(stmt))

    def pending(self) -> list[Document]:
        # Oldest first; the id settles documents submitted in the same instant.
        return list(self.dbsession.scalars(select(Document).where(Document.state == S.PENDING)
                                           .order_by(Document.updated_at, Document.id)))

    def pending_reviews(self) -> list[PendingReview]:
        """The review queue: each pending document with who submitted it, when, and what they said."""
        documents = self.pending()
        submissions: dict[int, DocumentTransition] = {}
        if documents:
            rows = self.dbsession.scalars(
                select(DocumentTransition).where(DocumentTransition.document_id.in_([d.id for d in documents]),
                                                 DocumentTransition.to_state == S.PENDING)
                .order_by(DocumentTransition.id.desc()).options(joinedload(DocumentTransition.actor)))
            for row in rows:
                submissions.setdefault(row.document_id, row)
        reviews = []
        for document in documents:
            submitted = submissions.get(document.id)
            reviews.append(PendingReview(document, submitted.actor if submitted else None,
                                         submitted.at if submitted else None, submitted.comment if submitted else ""))
        return reviews

    def owned_ids(self, account_id: int) -> set[int]:
        """Documents `account_id` looks after: those they created and those an owner grant gives them."""
        from ..models.accounts import Grant, Scope, ScopedRole

        granted = self.dbsession.scalars(select(Grant.scope_id).where(
            Grant.account_id == account_id, Grant.role == ScopedRole.OWNER, Grant.scope_type == Scope.DOCUMENT))
        created = self.dbsession.scalars(select(Document.id).where(Document.owner_id == account_id))
        return set(granted) | set(created)

    def drafts_of(self, account_id: int) -> list[Document]:
        """Drafts and pending documents `account_id` owns or last edited."""
        owned = self.owned_ids(account_id)
        stmt = (select(Document).join(DocumentVersion, DocumentVersion.id == Document.latest_version_id)
                .where(Document.state.in_([S.DRAFT, S.PENDING]),
                       Document.id.in_(owned) | (DocumentVersion.author_id == account_id))
                .order_by(Document.updated_at.desc(), Document.id.desc()))
        return list(self.dbsession.scalars(stmt))

    def needs_review(self, account_id: int | None = None) -> list[Document]:
        """Documents whose re-verification date has come (those `account_id` owns, if given)."""
        stmt = select(Document).where(Document.review_due.is_not(None), Document.review_due <= self.today(),
                                      Document.state != S.ARCHIVED).order_by(Document.review_due, Document.id)
        if account_id is not None:
            stmt = stmt.where(Document.id.in_(self.owned_ids(account_id)))
        return list(self.dbsession.scalars(stmt))

    def archived(self) -> list[Document]:
        return list(self.dbsession.scalars(select(Document).where(Document.state == S.ARCHIVED)
                                           .order_by(Document.updated_at.desc(), Document.id.desc())))

    def tags(self, see_all=False) -> list[tuple[str, int]]:
        """Each tag of the documents the reader may see, with how many carry it (most used first)."""
        visible = self._visible_stmt(see_all).with_only_columns(Document.id)
        count = func.count(DocumentTag.id)
        return [(tag, n) for tag, n in self.dbsession.execute(
            select(DocumentTag.tag, count).where(DocumentTag.document_id.in_(visible))
            .group_by(DocumentTag.tag).order_by(count.desc(), DocumentTag.tag))]

    def tagged(self, tag: str, see_all=False) -> list[Document]:
        stmt = (self._visible_stmt(see_all).join(DocumentTag, DocumentTag.document_id == Document.id)
                .where(DocumentTag.tag == tag).order_by(Document.kind, Document.order, Document.slug)
                .options(joinedload(Document.published_version)))
        return list(self.dbsession.scalars(stmt).unique())

    def page_links(self, slug: str, link_slugs, see_all=False) -> tuple[list, list]:
        """A page's links as rows of `slug` and `title`: those of `link_slugs` ("see also", in their
        order, leaving out what the reader may not open) and the pages the reader may see whose
        "see also" names `slug` ("what links here")."""
        names = [name for name in link_slugs if isinstance(name, str)]
        rows = self.dbsession.connection().execute(_PAGE_LINKS[bool(see_all)],
                                                   {"slugs": names, "slug": slug, "today": self.today()}).all()
        found = {row.slug: row for row in rows if row.direction == 0}
        return [found[name] for name in names if name in found], [row for row in rows if row.direction == 1]
