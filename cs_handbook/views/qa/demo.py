"""Demo data of transcript QA: three days of chats for the demo agents, sampled, most of them scored.

The chats come from `cs_handbook/demo_data/qa_transcripts.json` (days as
offsets from today). The two older days are scored by the demo evaluator,
who confirms what the etiquette check found, so the ledger and "my QA
results" have figures; yesterday's sample waits in the queue, and one
new hire disputes a failed scorecard. Built again, nothing is duplicated.
"""

import json
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from ...clock import Clock
from ...models.qa import Evaluation
from ...services.qa import QAService

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo_data" / "qa_transcripts.json"


def demo_rows(conversations, accounts, today) -> tuple[list[dict], set]:
    rows, days = [], set()
    for chat in conversations:
        agent = accounts.get(chat["agent"])
        if agent is None:
            continue
        day = today + timedelta(days=chat["day"])
        days.add(day)
        start = datetime.combine(day, time.fromisoformat(chat["start"]))  # the agent's team time
        for speaker, seconds, text in chat["turns"]:
            rows.append({"agent": agent.username, "conversation": f"demo-{day:%Y%m%d}-{chat['id']}",
                         "speaker": speaker, "timestamp": (start + timedelta(seconds=seconds)).isoformat(),
                         "text": text})
    return rows, days


def build_demo(request, accounts, progress):
    service = request.find_service(QAService)
    today = request.find_service(Clock).now().date()
    rows, days = demo_rows(json.loads(DEMO_FILE.read_text(encoding="utf-8"))["conversations"], accounts, today)
    progress.start("demo transcripts", len(days))
    report = service.import_file(json.dumps(rows, ensure_ascii=False).encode("utf-8"), "demo.json")
    request.dbsession.flush()
    for day in sorted(days):
        service.draw_sample(day)
        progress.step(day.isoformat())
    request.dbsession.flush()
    evaluator = accounts.get("qa")
    if evaluator is not None:
        older = sorted(days)[:-1]
        drafts = request.dbsession.scalars(
            select(Evaluation).where(Evaluation.status == "draft", Evaluation.day.in_(older)).order_by(Evaluation.id)
        )
        for evaluation in drafts:
            verdicts = {name: bool(entry["ok"]) for name, entry in evaluation.criteria.items()}
            service.score(evaluation, evaluator, verdicts, {})
        request.dbsession.flush()
        _one_dispute(service, accounts.get("newhire1"))
    progress.done(f"{report.imported} transcripts imported")


def _one_dispute(service, agent) -> None:
    if agent is None:
        return
    failed = service.dbsession.scalars(
        select(Evaluation).where(Evaluation.agent_id == agent.id, Evaluation.status == "final",
                                 Evaluation.passed.is_(False)).order_by(Evaluation.id)
    ).first()
    if failed is not None and not failed.disputes:
        service.open_dispute(failed, agent, "客户先问的开票，我回复时直接给了办理方法，请复核问候语这一项。")
