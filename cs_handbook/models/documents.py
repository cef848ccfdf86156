"""Documents: handbook pages, policies, role profiles and script sets, with versions and a workflow.

A document's head (`latest_version`) moves through draft → pending → published;
`published_version` is what staff read. Editing a published document adds a
version after it (the working copy) while `published_version` stays put until
the working copy is approved. Front-matter extras (duties, situations, …)
are kept per version as JSON in `data`.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Account
from .meta import Base


class DocumentKind(enum.StrEnum):
    HANDBOOK = "handbook"
    POLICY = "policy"
    ROLE = "role"
    SCRIPTS = "scripts"


class DocumentState(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class DocumentSection(Base):
    """A folder of `policies/`, described by its `_section.yaml`."""

    __tablename__ = "document_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    order: Mapped[int] = mapped_column(default=100)
    summary: Mapped[str] = mapped_column(Text, default="")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_kind_state", "kind", "state"),
                      Index("ix_documents_published_at", "published_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("document_sections.id"), index=True)
    # The title and order of the published version (or of the first draft),
    # denormalised so that lists need no join to versions.
    title: Mapped[str] = mapped_column(String(200))
    order: Mapped[int] = mapped_column(default=100)
    state: Mapped[str] = mapped_column(String(16), default=DocumentState.DRAFT)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    latest_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True, name="fk_documents_latest_version",
                   ondelete="SET NULL"))
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True, name="fk_documents_published_version",
                   ondelete="SET NULL"))
    # The version the last content load wrote; a later version means the web edited it.
    loaded_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True, name="fk_documents_loaded_version",
                   ondelete="SET NULL"))
    effective_date: Mapped[date | None]
    expiry_date: Mapped[date | None]
    review_due: Mapped[date | None]
    created_at: Mapped[datetime]
    # Any change (a working-copy save, a workflow step); what staff read changed at `published_at`.
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]

    section: Mapped[DocumentSection | None] = relationship(lazy="joined")
    owner: Mapped[Account | None] = relationship()
    latest_version: Mapped["DocumentVersion | None"] = relationship(foreign_keys=[latest_version_id],
                                                                    post_update=True)
    published_version: Mapped["DocumentVersion | None"] = relationship(foreign_keys=[published_version_id],
                                                                       post_update=True)

    @property
    def has_working_copy(self) -> bool:
        return (self.published_version_id is not None and self.latest_version_id != self.published_version_id)

    def is_current(self, today: date) -> bool:
        if self.effective_date and self.effective_date > today:
            return False
        return not (self.expiry_date and self.expiry_date <= today)


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    # The version this one was edited from (optimistic concurrency).
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    author: Mapped[Account | None] = relationship()


class DocumentTransition(Base):
    """One workflow step with its comment: the document's history."""

    __tablename__ = "document_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Account | None] = relationship()


class DocumentTag(Base):
    """Tags of the published version, for filtering."""

    __tablename__ = "document_tags"
    __table_args__ = (UniqueConstraint("document_id", "tag", name="uq_document_tags_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(50), index=True)


class DocumentLink(Base):
    """"See also" links of the published version, by slug (the target may not exist yet)."""

    __tablename__ = "document_links"
    __table_args__ = (UniqueConstraint("document_id", "target_slug", name="uq_document_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    target_slug: Mapped[str] = mapped_column(String(200), index=True)
