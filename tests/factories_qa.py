"""Helpers to arrange transcript QA data: transcript files and a QAService on the test session."""

from datetime import UTC, datetime

from cs_handbook.clock import FixedClock
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


def qa_service(dbsession, now=None, phrases=PHRASES) -> QAService:
    clock = FixedClock(now or datetime(2026, 3, 2, 9, tzinfo=UTC))
    return QAService(dbsession, clock, SiteSettingsService(dbsession, clock), phrase_source=lambda: phrases)


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
