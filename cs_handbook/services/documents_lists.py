"""What lists of documents DocumentService gives: what staff may see, the review queue, drafts,
re-verification, the archive (a mixin: one service class, kept in small files)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..models.documents import Document, DocumentLink, DocumentState, DocumentTag, DocumentTransition, DocumentVersion

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

S = DocumentState


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
        stmt = select(Document).where(Document.published_version_id.is_not(None), Document.state != S.ARCHIVED)
        if not see_all:
            today = self.today()
            stmt = stmt.where((Document.effective_date.is_(None)) | (Document.effective_date <= today),
                              (Document.expiry_date.is_(None)) | (Document.expiry_date > today))
        return stmt

    def listed(self, see_all=False, kind=None, section_id=None, with_versions=False) -> list[Document]:
        stmt = self._visible_stmt(see_all).order_by(Document.order, Document.slug)
        if with_versions:
            # Pages that show each version's summary: one query, not one lazy load per document.
            stmt = stmt.options(joinedload(Document.published_version))
        if kind:
            stmt = stmt.where(Document.kind == kind)
        if section_id is not None:
            stmt = stmt.where(Document.section_id == section_id)
        return list(self.dbsession.scalars(stmt))

    def recently_updated(self, see_all=False, limit=8) -> list[Document]:
        """The documents whose published text changed last (not drafts or workflow steps)."""
        stmt = self._visible_stmt(see_all).order_by(Document.published_at.desc(), Document.id.desc()).limit(limit)
        return list(self.dbsession.scalars(stmt))

    def pending(self) -> list[Document]:
        return list(self.dbsession.scalars(select(Document).where(Document.state == S.PENDING)
                                           .order_by(Document.updated_at)))

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

    def pending_count(self) -> int:
        pending = select(func.count()).select_from(Document).where(Document.state == S.PENDING)
        return self.dbsession.scalar(pending) or 0

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

    def linked_from(self, slug: str, see_all=False) -> list[Document]:
        """What links here: the documents the reader may see whose "see also" names `slug`."""
        stmt = (self._visible_stmt(see_all).join(DocumentLink, DocumentLink.document_id == Document.id)
                .where(DocumentLink.target_slug == slug).order_by(Document.order, Document.slug))
        return list(self.dbsession.scalars(stmt))
