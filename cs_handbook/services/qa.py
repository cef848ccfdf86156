"""QAService: transcript import, daily samples, the evaluator's queue, scorecards, disputes and the ledger."""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..i18n import _
from ..models.accounts import Account
from ..models.qa import CRITERIA, Dispute, Evaluation, Transcript
from .audit import AuditService
from .qa_etiquette import ScriptPhrase, Turn, check_transcript
from .qa_intake import ImportReport, TranscriptIntake
from .qa_ledger import (
    LEDGER_RULES_KEY,
    LedgerLine,
    LedgerRulesError,
    compute_line,
    month_key,
    rules_for,
    versions_of,
    with_version,
)
from .qa_scoring import QA_RULES_CHANGED, QAError, Scorecards
from .site_settings import SiteSettingsService, declare

__all__ = ["QAError", "QAService", "ImportReport", "published_script_phrases"]

SAMPLE_SIZE_KEY = "qa.sample_size"
RESPONSE_LIMIT_KEY = "qa.first_response_seconds"
MAX_SAMPLE = 500  # per agent per day
declare(SAMPLE_SIZE_KEY, 20)
declare(RESPONSE_LIMIT_KEY, 60)
PER_PAGE = 50
MAX_PAGE = 999_999


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


class QAService(Scorecards):
    def __init__(self, dbsession, clock: Clock, settings: SiteSettingsService, registry=None, request=None,
                 phrase_source=None, audit: AuditService | None = None):
        self.dbsession = dbsession
        self.clock = clock
        self.settings = settings
        self.registry = registry
        self.request = request
        self.audit = audit
        # Callable returning the ScriptPhrases of the published script sets.
        self.phrase_source: Callable[[], list[ScriptPhrase]] = phrase_source or (lambda: [])

    # -- import ----------------------------------------------------------

    def import_file(self, raw: bytes, filename: str) -> ImportReport:
        return TranscriptIntake(self.dbsession, self.clock).import_file(raw, filename)

    # -- sampling and the automatic check --------------------------------

    def draw_sample(self, day: date, size: int | None = None) -> int:
        """Sample up to `size` transcripts per agent for `day`; prefill their scorecards. Returns new samples."""
        size = size or self.settings.get(SAMPLE_SIZE_KEY)
        # Locked: two evaluators drawing the same day at once wait for each other, and the second
        # reads the first's `sampled` flags (PostgreSQL re-reads locked rows); SQLite writers queue anyway.
        rows = self.dbsession.execute(
            select(Transcript.id, Transcript.agent_id, Transcript.sampled)
            .where(Transcript.day == day)
            .order_by(Transcript.id)
            .with_for_update()
        ).all()
        by_agent: defaultdict[int, dict[str, Any]] = defaultdict(lambda: {"sampled": 0, "pool": []})
        for transcript_id, agent_id, sampled in rows:
            if sampled:
                by_agent[agent_id]["sampled"] += 1
            else:
                by_agent[agent_id]["pool"].append(transcript_id)
        chosen: list[int] = []
        for agent_id, entry in by_agent.items():
            wanted = max(0, size - entry["sampled"])
            # Seeded by agent and day: the same sample whoever draws it, and when.
            rng = random.Random(f"{agent_id}:{day.isoformat()}")
            chosen += rng.sample(entry["pool"], min(wanted, len(entry["pool"])))
        phrases = self.phrase_source()
        for transcript in self.dbsession.scalars(
            select(Transcript).where(Transcript.id.in_(chosen)).options(selectinload(Transcript.turns))
        ):
            transcript.sampled = True
            self._prefill(transcript, phrases)
        return len(chosen)

    def _prefill(self, transcript: Transcript, phrases: list[ScriptPhrase]) -> Evaluation:
        turns = [Turn(t.speaker, t.at, t.text) for t in transcript.turns]
        findings = check_transcript(turns, phrases, self.settings.get(RESPONSE_LIMIT_KEY))
        criteria = {name: {"ok": True, "auto": None, "note": ""} for name in CRITERIA}
        for finding in findings:
            entry = criteria[finding.criterion]
            # A criterion fails automatically if any finding about it failed.
            entry["auto"] = finding.ok if entry["auto"] is None else (entry["auto"] and finding.ok)
            entry["ok"] = entry["auto"]
        evaluation = Evaluation(
            transcript=transcript,
            agent_id=transcript.agent_id,
            day=transcript.day,
            status="draft",
            criteria=criteria,
            findings=[f.as_dict() for f in findings],
            created_at=self.clock.now(),
        )
        self.dbsession.add(evaluation)
        return evaluation

    # -- the evaluator's queue ------------------------------------------

    @staticmethod
    def _drafts(day=None, team_id=None, agent_id=None, exclude_agent=None):
        query = select(Evaluation).where(Evaluation.status == "draft")
        if day is not None:
            query = query.where(Evaluation.day == day)
        if agent_id is not None:
            query = query.where(Evaluation.agent_id == agent_id)
        if team_id is not None:
            query = query.where(Evaluation.agent_id.in_(select(Account.id).where(Account.team_id == team_id)))
        if exclude_agent is not None:
            # Evaluators never see their own transcripts to score.
            query = query.where(Evaluation.agent_id != exclude_agent)
        return query

    def queue(self, day: date | None = None, team_id: int | None = None, agent_id: int | None = None,
              exclude_agent: int | None = None, page: int = 1, per_page: int = PER_PAGE) -> Page:
        """Drafts waiting to be scored, filtered, oldest day first, a page at a time."""
        query = self._drafts(day, team_id, agent_id, exclude_agent)
        total = self.dbsession.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        items = self.dbsession.scalars(
            query.options(selectinload(Evaluation.transcript))
            .order_by(Evaluation.day, Evaluation.id).offset((page - 1) * per_page).limit(per_page)
        )
        return Page(list(items), total, page, per_page)

    def panel_counts(self, evaluator_id: int) -> tuple[int, int]:
        """The evaluator's home panel: (drafts waiting, open disputes), others' only, in one statement."""
        waiting, disputes = self.dbsession.execute(PANEL_COUNTS_QUERY, {"account_id": evaluator_id}).one()
        return waiting, disputes

    def month_panel(self, agent_id: int, month: date) -> tuple[LedgerLine, dict] | None:
        """The agent's home panel: `agent_month`, or None when nothing was scored in `month` (one
        statement either way)."""
        scored = self._month_scores(agent_id, month)
        return self._ledger_line(agent_id, month, scored) if scored else None

    def open_disputes(self, exclude_agent: int | None = None) -> list[Dispute]:
        query = select(Dispute).where(Dispute.status == "open").order_by(Dispute.id)
        if exclude_agent is not None:
            query = query.where(Dispute.agent_id != exclude_agent)
        return list(self.dbsession.scalars(query.options(selectinload(Dispute.evaluation))))

    def count_sampled(self, day: date) -> int:
        return self.dbsession.execute(
            select(func.count(Transcript.id)).where(Transcript.day == day, Transcript.sampled.is_(True))
        ).scalar_one()

    # -- what an agent sees ----------------------------------------------

    def evaluations_of(self, agent_id: int, month: date | None = None) -> list[Evaluation]:
        query = select(Evaluation).where(Evaluation.agent_id == agent_id, Evaluation.status == "final")
        if month is not None:
            start, end = month_bounds(month)
            query = query.where(Evaluation.day >= start, Evaluation.day < end)
        return list(self.dbsession.scalars(
            query.options(selectinload(Evaluation.transcript), selectinload(Evaluation.disputes))
            .order_by(Evaluation.day.desc(), Evaluation.id.desc()).limit(500)
        ))

    def agent_month(self, agent_id: int, month: date) -> tuple[LedgerLine, dict]:
        """One agent's ledger line for a month, and the rules it was computed with."""
        return self._ledger_line(agent_id, month, self._month_scores(agent_id, month))

    def _month_scores(self, agent_id: int, month: date) -> list:
        """(day, passed) of the agent's final scorecards in `month`."""
        start, end = month_bounds(month)
        return list(self.dbsession.execute(MONTH_SCORES_QUERY, {"agent_id": agent_id, "start": start, "end": end}))

    def _ledger_line(self, agent_id: int, month: date, scored: list) -> tuple[LedgerLine, dict]:
        rules = self.ledger_rules(month)
        return compute_line(agent_id, [day for day, passed in scored if passed is False], rules), rules

    # -- the ledger ------------------------------------------------------

    def this_month(self) -> date:
        return self.clock.now().date().replace(day=1)

    def rule_versions(self) -> list[tuple[str, dict]]:
        """(first month "YYYY-MM", rules), oldest first; the policy's defaults open the list ("0000-00")."""
        return versions_of(self.settings.get(LEDGER_RULES_KEY))

    def ledger_rules(self, month: date | None = None) -> dict:
        """The rules in force in `month` (default: this month)."""
        return rules_for(self.settings.get(LEDGER_RULES_KEY), month or self.this_month())

    def set_ledger_rules(self, rules: dict, effective_from: date, actor: Account) -> dict:
        """Rules in force from `effective_from` (this month or later: a past month keeps its rules)."""
        effective_from = effective_from.replace(day=1)
        if effective_from < self.this_month():
            raise LedgerRulesError(_("New rules take effect this month at the earliest; past months keep theirs."),
                                   field="effective_from")
        stored = self.settings.get(LEDGER_RULES_KEY)
        before = rules_for(stored, effective_from)
        updated = with_version(stored, effective_from, rules)
        self.settings.set(LEDGER_RULES_KEY, updated, actor=actor)
        after = rules_for(updated, effective_from)
        if self.audit is not None:
            changes = {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}
            self.audit.record(QA_RULES_CHANGED, actor=actor, target_type="qa_rules",
                              target_id=month_key(effective_from), detail={"changes": changes},
                              ip=getattr(self.request, "client_addr", "") or "")
        return after

    def ledger(self, month: date, team_ids: set[int] | None = None) -> list[tuple[Account, LedgerLine]]:
        """Ledger lines for the month of `month`, for everyone (None) or the given teams."""
        start, end = month_bounds(month)
        agents_query = select(Account).where(Account.is_active.is_(True))
        if team_ids is not None:
            agents_query = agents_query.where(Account.team_id.in_(team_ids or {-1}))
        evaluated = select(Evaluation.agent_id).where(
            Evaluation.day >= start, Evaluation.day < end, Evaluation.status == "final"
        )
        agents = list(self.dbsession.scalars(agents_query.where(Account.id.in_(evaluated)).order_by(Account.username)))
        failing = defaultdict(list)
        if agents:
            for agent_id, day in self.dbsession.execute(
                select(Evaluation.agent_id, Evaluation.day).where(
                    Evaluation.agent_id.in_([a.id for a in agents]),
                    Evaluation.day >= start,
                    Evaluation.day < end,
                    Evaluation.status == "final",
                    Evaluation.passed.is_(False),
                )
            ):
                failing[agent_id].append(day)
        rules = self.ledger_rules(month)
        return [(agent, compute_line(agent.id, failing[agent.id], rules)) for agent in agents]

    def evaluations_in(self, month: date, team_ids: set[int] | None = None) -> list[Evaluation]:
        """The month's finished scorecards, for everyone (None) or the given teams (for the export)."""
        start, end = month_bounds(month)
        query = select(Evaluation).where(Evaluation.day >= start, Evaluation.day < end,
                                         Evaluation.status == "final")
        if team_ids is not None:
            members = select(Account.id).where(Account.team_id.in_(team_ids or {-1}))
            query = query.where(Evaluation.agent_id.in_(members))
        return list(self.dbsession.scalars(
            query.options(selectinload(Evaluation.transcript), selectinload(Evaluation.disputes),
                          selectinload(Evaluation.evaluator))
            .order_by(Evaluation.day, Evaluation.id)
        ))


def published_script_phrases(request) -> list[ScriptPhrase]:
    """The phrases of the published script sets, for the etiquette check."""
    from .documents import DocumentService

    documents = request.find_service(DocumentService).published_of_kind("scripts")
    return phrases_of((d.slug, d.title, d.data) for d in documents)


def phrases_of(script_sets) -> list[ScriptPhrase]:
    """ScriptPhrases from (slug, title, data) of script sets, data as the documents area keeps it."""
    phrases = []
    for slug, title, data in script_sets:
        for situation in (data or {}).get("situations", []) or []:
            for phrase in situation.get("phrases", []) or []:
                if phrase.get("text"):
                    phrases.append(ScriptPhrase(situation.get("key", ""), phrase["text"], bool(phrase.get("forbidden")),
                                                slug, title, situation.get("title", "")))
    return phrases


def waiting_badge_query():
    """The navigation badge of evaluators: the drafts waiting but the reader's own, as one statement,
    the reader's id bound as `account_id` (the documents page cache runs it beside its own check)."""
    drafts = QAService._drafts(exclude_agent=bindparam("account_id"))
    return select(func.count()).select_from(drafts.subquery())


# Built once, the reader bound: the home page's QA panel runs one of these on every visit.
PANEL_COUNTS_QUERY = select(
    waiting_badge_query().scalar_subquery(),
    select(func.count(Dispute.id)).where(Dispute.status == "open", Dispute.agent_id != bindparam("account_id"))
    .scalar_subquery())
MONTH_SCORES_QUERY = select(Evaluation.day, Evaluation.passed).where(
    Evaluation.agent_id == bindparam("agent_id"), Evaluation.day >= bindparam("start"),
    Evaluation.day < bindparam("end"), Evaluation.status == "final")


def factory(context, request):
    return QAService(
        request.dbsession,
        request.find_service(Clock),
        request.find_service(SiteSettingsService),
        registry=request.registry,
        request=request,
        phrase_source=lambda: published_script_phrases(request),
        audit=request.find_service(AuditService),
    )


def includeme(config):
    config.register_service_factory(factory, QAService)
