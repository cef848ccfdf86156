"""Notices left for a person by background work (overdue items, leeches, disputes)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_account_read", "account_id", "read_at"),
        # The same sweep run twice must not leave the same notice twice.
        Index("uq_notices_dedupe", "account_id", "dedupe_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    # The message is a translatable msgid plus its mapping, so each reader
    # sees it in their own language.
    message: Mapped[str] = mapped_column(String(255))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(255), default="")
    dedupe_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
