"""Helpers to arrange transcript QA data: transcript files, a QAService on the test session, scored cards."""

from datetime import UTC, date, datetime

from cs_handbook.clock import FixedClock
from cs_handbook.models.qa import CRITERIA, Evaluation
from cs_handbook.services.audit import AuditService
from cs_handbook.services.qa import QAService
from cs_handbook.services.qa_etiquette import ScriptPhrase
from cs_handbook.services.site_settings import SiteSettingsService

PHRASES = [
    ScriptPhrase("greeting", "您好，很高兴为您服务", source="scripts/greeting-and-closing"),
    ScriptPhrase("closing", "感谢您的咨询，祝您生活愉快", source="scripts/greeting-and-closing"),
    ScriptPhrase("apology", "非常抱歉给您带来不便", source="scripts/apology-and-waiting"),
    ScriptPhrase("forbidden", "不归我管", forbidden=True, source="scripts/forbidden"),
    ScriptPhrase("forbidden", "你自己看", forbidden=True, source="scripts/forbidden"),
]
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def qa_service(dbsession, now=None, phrases=PHRASES) -> QAService:
    clock = FixedClock(now or NOW)
    return QAService(dbsession, clock, SiteSettingsService(dbsession, clock), phrase_source=lambda: phrases,
                     audit=AuditService(dbsession, clock))


def conversation_csv(rows) -> bytes:
    """rows: (agent, conversation, speaker, timestamp, text)."""
    lines = ["agent,conversation,speaker,timestamp,text"]
    lines += [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def good_conversation(agent, conversation, day="2026-03-02", polite=True):
    greeting = "您好，很高兴为您服务！请问有什么可以帮您？" if polite else "说吧什么事"
    closing = "感谢您的咨询，祝您生活愉快！" if polite else "就这样吧"
    return [
        (agent, conversation, "customer", f"{day}T10:00:00", "我想查一下订单"),
        (agent, conversation, "agent", f"{day}T10:00:30", greeting),
        (agent, conversation, "agent", f"{day}T10:01:30", "已经为您查到，明天送达"),
        (agent, conversation, "agent", f"{day}T10:02:00", closing),
    ]


def sampled(dbsession, agent="li", conversations=(("c-1", True),), day=date(2026, 3, 2), size=None) -> QAService:
    """Import one conversation per (name, polite) for `agent` on `day`, draw the sample, commit."""
    service = qa_service(dbsession)
    rows = []
    for name, polite in conversations:
        rows += good_conversation(agent, name, day=day.isoformat(), polite=polite)
    service.import_file(conversation_csv(rows), "day.csv")
    dbsession.flush()
    service.draw_sample(day, size)
    dbsession.commit()
    return service


def score_all(dbsession, evaluator, failing=("greeting",), agent=None) -> None:
    """Finish every draft (of `agent`, or everyone's), failing the criteria named."""
    service = qa_service(dbsession)
    query = dbsession.query(Evaluation).filter(Evaluation.status == "draft")
    if agent is not None:
        query = query.filter(Evaluation.agent_id == agent.id)
    for evaluation in query:
        service.score(evaluation, evaluator, {c: c not in failing for c in CRITERIA}, {})
    dbsession.commit()
