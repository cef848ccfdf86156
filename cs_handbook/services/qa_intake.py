"""Bringing transcript files into the database: conversations, their turns, and the report by line.

A conversation with a bad line is not imported at all (a scorecard of part
of a chat would be wrong): fixing the line and importing the file again
brings it in whole. A conversation already imported gets the turns it
lacks, until it is sampled for scoring. Times without a zone are the
agent's team's local time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..i18n import _
from ..models.accounts import Account
from ..models.qa import Transcript, TranscriptTurn
from ..zones import zone_of
from . import qa_import


@dataclass
class ImportReport:
    imported: int = 0  # new conversations
    completed: int = 0  # conversations already there that got the turns they lacked
    duplicates: int = 0  # conversations already there with nothing new
    errors: list[tuple[int, str, dict]] = field(default_factory=list)
    notices: list[tuple[str, dict]] = field(default_factory=list)
    unit: str = "line"  # what the numbers of `errors` count: "line" (CSV) or "row" (JSON)


class TranscriptIntake:
    def __init__(self, dbsession, clock):
        self.dbsession = dbsession
        self.clock = clock

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
        zone = zone_of(self.dbsession, agent)  # the agent's team's, else the site's
        turns, seen = [], set()
        for row in sorted(rows, key=lambda r: r.line):
            at = (row.at if row.at.tzinfo else row.at.replace(tzinfo=zone)).astimezone(UTC)
            if (row.speaker, at, row.text) not in seen:
                seen.add((row.speaker, at, row.text))
                turns.append((at, row.line, row.speaker, row.text))
        if transcript is None:
            try:
                # A savepoint each: the same file imported twice at once (a double click) makes the second
                # import find the first's conversation when it inserts, which is a duplicate, not an error.
                with self.dbsession.begin_nested():
                    self._create_transcript(external_id, agent, turns, zone)
            except IntegrityError:
                report.duplicates += 1
            else:
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

