"""Transcript quality assessment: transcripts, their turns, evaluations and disputes."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Account
from .meta import Base

CRITERIA = ("greeting", "closing", "attitude", "wording", "knowledge", "timeliness", "clarity")


class Transcript(Base):
    __tablename__ = "qa_transcripts"
    __table_args__ = (Index("ix_qa_transcripts_agent_day", "agent_id", "day", "sampled"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The conversation id from the chat system: re-importing a file must not
    # duplicate anything.
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    # The working day it counts for, in the agent's team's time zone.
    day: Mapped[date]
    sampled: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime]

    agent: Mapped[Account] = relationship(lazy="joined")
    turns: Mapped[list["TranscriptTurn"]] = relationship(
        order_by="TranscriptTurn.seq", cascade="all, delete-orphan", back_populates="transcript"
    )
    evaluation: Mapped["Evaluation | None"] = relationship(back_populates="transcript", uselist=False)


class TranscriptTurn(Base):
    __tablename__ = "qa_transcript_turns"
    __table_args__ = (UniqueConstraint("transcript_id", "seq", name="uq_qa_transcript_turns_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("qa_transcripts.id", ondelete="CASCADE"))
    seq: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(16))  # agent | customer
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)

    transcript: Mapped[Transcript] = relationship(back_populates="turns")


class Evaluation(Base):
    """A scorecard for one transcript: automatic findings, then the evaluator's verdict."""

    __tablename__ = "qa_evaluations"
    __table_args__ = (
        Index("ix_qa_evaluations_agent_day", "agent_id", "day", "status"),
        # The evaluator's queue: drafts by day.
        Index("ix_qa_evaluations_status_day", "status", "day"),
        # The evaluators' navigation badge counts every draft but their own (status, agent_id != me) on
        # every page they open: covered here it reads only the drafts' entries; without it SQLite
        # scanned a whole index of the table (~2 ms at 50,000 evaluations).
        Index("ix_qa_evaluations_status_agent", "status", "agent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("qa_transcripts.id", ondelete="CASCADE"), unique=True)
    # Denormalised from the transcript so the ledger is one indexed query.
    agent_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    day: Mapped[date]
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | final
    # criterion -> {"ok": bool, "auto": bool | None, "note": str, "amended": bool (set by an upheld dispute)}
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    passed: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    finalised_at: Mapped[datetime | None]

    transcript: Mapped[Transcript] = relationship(back_populates="evaluation")
    evaluator: Mapped[Account | None] = relationship(foreign_keys=[evaluator_id])
    disputes: Mapped[list["Dispute"]] = relationship(back_populates="evaluation", order_by="Dispute.id")


class Dispute(Base):
    __tablename__ = "qa_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(Text)
    # The criteria the agent contests (names from CRITERIA).
    criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | rejected
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

    evaluation: Mapped[Evaluation] = relationship(back_populates="disputes")
