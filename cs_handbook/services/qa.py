"""QAService: transcript import, daily samples, scorecards, disputes and the ledger."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..events import CriterionFailed
from ..i18n import _
from ..models.accounts import Account
from ..models.qa import CRITERIA, Dispute, Evaluation, Transcript, TranscriptTurn
from . import qa_import
from .qa_etiquette import ScriptPhrase, Turn, check_transcript
from .qa_ledger import LEDGER_RULES_KEY, compute_line, validate_rules
from .site_settings import SiteSettingsService, declare

SAMPLE_SIZE_KEY = "qa.sample_size"
RESPONSE_LIMIT_KEY = "qa.first_response_seconds"
MAX_SAMPLE = 500  # per agent per day
declare(SAMPLE_SIZE_KEY, 20)
declare(RESPONSE_LIMIT_KEY, 60)

DEFAULT_ZONE = "Asia/Shanghai"


class QAError(ValueError):
    """A refused QA action; `msgid` is translatable."""

    def __init__(self, msgid, mapping=None, status=400):
        super().__init__(msgid)
        self.msgid, self.mapping, self.status = msgid, mapping or {}, status


@dataclass
class ImportReport:
    imported: int = 0  # new conversations
    completed: int = 0  # conversations already there that got the turns they lacked
    duplicates: int = 0  # conversations already there with nothing new
    errors: list[tuple[int, str, dict]] = field(default_factory=list)
    notices: list[tuple[str, dict]] = field(default_factory=list)
    unit: str = "line"  # what the numbers of `errors` count: "line" (CSV) or "row" (JSON)


def zone_of(agent: Account) -> ZoneInfo:
    """The zone an agent's transcripts are dated in: their team's."""
    return ZoneInfo(agent.team.timezone if agent.team else DEFAULT_ZONE)


class QAService:
    def __init__(
        self, dbsession, clock: Clock, settings: SiteSettingsService, registry=None, request=None, phrase_source=None
    ):
        self.dbsession = dbsession
        self.clock = clock
        self.settings = settings
        self.registry = registry
        self.request = request
        # Callable returning the ScriptPhrases of the published script sets.
        self.phrase_source = phrase_source or (lambda: [])

    # -- import ----------------------------------------------------------

    def import_file(self, raw: bytes, filename: str) -> ImportReport:
        """Import what is good, report the rest by line.

        A conversation with a bad line is not imported at all (a scorecard of
        part of a chat would be wrong): fixing the line and importing the file
        again brings it in whole. A conversation already imported gets the
        turns it lacks, until it is sampled for scoring.
        """
        parse = qa_import.parse_json if filename.lower().endswith(".json") else qa_import.parse_csv
        parsed = parse(raw)
        report = ImportReport(errors=list(parsed.errors), notices=list(parsed.notices), unit=parsed.unit)
        if parsed.cleaned:
            report.notices.append((_("Control characters were removed from ${count} texts."),
                                   {"count": parsed.cleaned}))
        if parsed.fatal:
            return report
        agents = self._agents_by_username({row.agent for row in parsed.rows})
        broken = {name: list(lines) for name, lines in parsed.broken.items()}
        conversations: dict[str, list] = defaultdict(list)
        for row in parsed.rows:
            if row.agent not in agents:
                report.errors.append((row.line, _("Unknown agent ${value}."), {"value": row.agent[:64]}))
                broken.setdefault(row.conversation, []).append(row.line)
                continue
            conversations[row.conversation].append(row)
        existing = {
            t.external_id: t
            for t in self.dbsession.scalars(
                select(Transcript)
                .where(Transcript.external_id.in_(list(conversations)))
                .options(selectinload(Transcript.turns))
            )
        } if conversations else {}
        for external_id, rows in conversations.items():
            self._import_conversation(external_id, rows, agents, broken.get(external_id), existing.get(external_id),
                                      report)
        report.errors.sort(key=lambda error: error[0])
        return report

    def _import_conversation(self, external_id, rows, agents, broken_lines, transcript, report) -> None:
        name = external_id[:64]
        if broken_lines:
            lines = ", ".join(str(n) for n in sorted(set(broken_lines))[:10])
            report.errors.append((min(broken_lines), _("Conversation ${value} was not imported: fix line(s) ${lines} "
                                                       "and import the file again."), {"value": name, "lines": lines}))
            return
        if len({r.agent for r in rows}) > 1:
            report.errors.append((min(r.line for r in rows),
                                  _("Conversation ${value} names more than one agent; it was not imported."),
                                  {"value": name}))
            return
        agent = agents[rows[0].agent]
        zone = zone_of(agent)
        turns, seen = [], set()
        for row in sorted(rows, key=lambda r: r.line):
            at = (row.at if row.at.tzinfo else row.at.replace(tzinfo=zone)).astimezone(UTC)
            if (row.speaker, at, row.text) not in seen:
                seen.add((row.speaker, at, row.text))
                turns.append((at, row.line, row.speaker, row.text))
        if transcript is None:
            self._create_transcript(external_id, agent, turns, zone)
            report.imported += 1
            return
        if transcript.agent_id != agent.id:
            report.errors.append((turns[0][1], _("Conversation ${value} was imported before for another agent."),
                                  {"value": name}))
            return
        known = {(t.speaker, t.at, t.text) for t in transcript.turns}
        new = [t for t in turns if (t[2], t[0], t[3]) not in known]
        if not new:
            report.duplicates += 1
            return
        if transcript.sampled:
            report.errors.append((new[0][1], _("Conversation ${value} is already being scored; its ${count} new "
                                               "turns were not added."), {"value": name, "count": len(new)}))
            return
        merged = [(t.at, -1, t.speaker, t.text) for t in transcript.turns] + new
        # Rewritten whole: the turns are numbered by time, and the numbers are unique.
        transcript.turns.clear()
        self.dbsession.flush()
        self._fill(transcript, merged, zone)
        report.completed += 1

    def _agents_by_username(self, usernames) -> dict[str, Account]:
        if not usernames:
            return {}
        found = self.dbsession.scalars(select(Account).where(func.lower(Account.username).in_(usernames)))
        return {a.username.lower(): a for a in found}

    def _create_transcript(self, external_id, agent: Account, turns, zone) -> Transcript:
        transcript = Transcript(external_id=external_id, agent_id=agent.id, imported_at=self.clock.now())
        self._fill(transcript, turns, zone)
        self.dbsession.add(transcript)
        return transcript

    @staticmethod
    def _fill(transcript: Transcript, turns, zone) -> None:
        """turns: (aware time, line, speaker, text); the day counted is the first turn's, in the agent's zone."""
        ordered = sorted(turns, key=lambda t: (t[0], t[1]))
        transcript.started_at = ordered[0][0]
        transcript.day = ordered[0][0].astimezone(zone).date()
        transcript.turns = [TranscriptTurn(seq=i, speaker=speaker, at=at, text=text)
                            for i, (at, _line, speaker, text) in enumerate(ordered)]

    # -- sampling and the automatic check --------------------------------

    def draw_sample(self, day: date, size: int | None = None) -> int:
        """Sample up to `size` transcripts per agent for `day`; prefill their scorecards. Returns new samples."""
        size = size or self.settings.get(SAMPLE_SIZE_KEY)
        rows = self.dbsession.execute(
            select(Transcript.id, Transcript.agent_id, Transcript.sampled)
            .where(Transcript.day == day)
            .order_by(Transcript.id)
        ).all()
        by_agent = defaultdict(lambda: {"sampled": 0, "pool": []})
        for transcript_id, agent_id, sampled in rows:
            if sampled:
                by_agent[agent_id]["sampled"] += 1
            else:
                by_agent[agent_id]["pool"].append(transcript_id)
        chosen = []
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

    def queue(self, day: date | None = None) -> list[Evaluation]:
        query = (
            select(Evaluation)
            .where(Evaluation.status == "draft")
            .options(selectinload(Evaluation.transcript))
            .order_by(Evaluation.day, Evaluation.id)
        )
        if day:
            query = query.where(Evaluation.day == day)
        return list(self.dbsession.scalars(query.limit(500)))

    # -- scoring and disputes --------------------------------------------

    def score(
        self,
        evaluation: Evaluation,
        evaluator: Account,
        ok_by_criterion: dict[str, bool],
        notes: dict[str, str],
        comment: str = "",
    ) -> None:
        if set(ok_by_criterion) != set(CRITERIA):
            raise QAError(_("Every criterion of the scorecard needs a verdict."))
        criteria = {}
        for name in CRITERIA:
            auto = evaluation.criteria.get(name, {}).get("auto")
            criteria[name] = {"ok": bool(ok_by_criterion[name]), "auto": auto, "note": notes.get(name, "")[:500]}
        evaluation.criteria = criteria
        evaluation.passed = all(entry["ok"] for entry in criteria.values())
        evaluation.comment = comment[:2000]
        evaluation.evaluator_id = evaluator.id
        first_time = evaluation.status != "final"
        evaluation.status = "final"
        evaluation.finalised_at = self.clock.now()
        if first_time and self.registry is not None:
            for name, entry in criteria.items():
                if not entry["ok"]:
                    self.registry.notify(CriterionFailed(self.request, evaluation.agent_id, name, evaluation.id))

    def open_dispute(self, evaluation: Evaluation, agent: Account, comment: str) -> Dispute:
        if evaluation.agent_id != agent.id:
            raise QAError(_("You can only dispute your own evaluations."), status=403)
        if evaluation.status != "final":
            raise QAError(_("Only a finished evaluation can be disputed."))
        if any(d.status == "open" for d in evaluation.disputes):
            raise QAError(_("This evaluation already has an open dispute."))
        dispute = Dispute(evaluation=evaluation, agent_id=agent.id, comment=comment, created_at=self.clock.now())
        self.dbsession.add(dispute)
        return dispute

    def resolve_dispute(self, dispute: Dispute, resolver: Account, accept: bool, resolution: str) -> None:
        if dispute.status != "open":
            raise QAError(_("This dispute was already resolved."), status=409)
        dispute.status = "accepted" if accept else "rejected"
        dispute.resolver_id = resolver.id
        dispute.resolution = resolution
        dispute.resolved_at = self.clock.now()
        if accept:
            # Upholding the agent's dispute clears the failure from the ledger.
            dispute.evaluation.passed = True

    def open_disputes(self) -> list[Dispute]:
        return list(self.dbsession.scalars(select(Dispute).where(Dispute.status == "open").order_by(Dispute.id)))

    def evaluations_of(self, agent_id: int) -> list[Evaluation]:
        return list(
            self.dbsession.scalars(
                select(Evaluation)
                .where(Evaluation.agent_id == agent_id, Evaluation.status == "final")
                .order_by(Evaluation.day.desc(), Evaluation.id.desc())
                .limit(200)
            )
        )

    # -- the ledger ------------------------------------------------------

    def ledger_rules(self) -> dict:
        return self.settings.get(LEDGER_RULES_KEY)

    def set_ledger_rules(self, rules: dict, actor: Account) -> dict:
        clean = validate_rules(rules)
        self.settings.set(LEDGER_RULES_KEY, clean, actor=actor)
        return clean

    def ledger(self, month: date, team_ids: set[int] | None = None) -> list[tuple[Account, object]]:
        """Ledger lines for the month of `month`, for everyone (None) or the given teams."""
        start = month.replace(day=1)
        end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
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
        rules = self.ledger_rules()
        return [(agent, compute_line(agent.id, failing[agent.id], rules)) for agent in agents]

    def count_sampled(self, day: date) -> int:
        return self.dbsession.scalar(
            select(func.count(Transcript.id)).where(Transcript.day == day, Transcript.sampled.is_(True))
        )


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


def factory(context, request):
    return QAService(
        request.dbsession,
        request.find_service(Clock),
        request.find_service(SiteSettingsService),
        registry=request.registry,
        request=request,
        phrase_source=lambda: published_script_phrases(request),
    )


def includeme(config):
    config.register_service_factory(factory, QAService)
