"""QA events on the admin's audit page: named and detailed in words, never as codes."""

import re

import webtest

from cs_handbook.models.qa import CRITERIA, Evaluation
from cs_handbook.services.qa_ledger import DEFAULT_LEDGER_RULES
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_qa import qa_service, sampled
from tests.functional.test_audit_text import RAW


def test_qa_events_read_as_words(app, dbsession, clock):
    from datetime import date

    qa1 = AccountFactory(username="qa1", roles=["qa"])
    li = AccountFactory(username="li")
    admin = AccountFactory(username="adm", roles=["admin"])
    sampled(dbsession)
    service = qa_service(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    service.score(evaluation, qa1, {c: c != "knowledge" for c in CRITERIA}, {})
    service.score(evaluation, qa1, {c: c not in ("knowledge", "greeting") for c in CRITERIA}, {})
    dispute = service.open_dispute(evaluation, li, "请复核")
    service.resolve_dispute(dispute, qa1, True, "同意", amend=["knowledge"])
    service.set_ledger_rules({**DEFAULT_LEDGER_RULES, "daily_cap": 2, "tiers": [{"below": 18, "bonus_cut": 80}]},
                             date(2026, 4, 1), admin)
    dbsession.commit()
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.3.1", "HTTP_HOST": "localhost"})
    login(client, "adm")
    rows = client.get("/admin/audit").html.select("tbody tr")
    qa_rows = {row.select("td")[2].text: row for row in rows if row.select_one("td[data-action^='qa.']")}
    assert set(qa_rows) == {"聊天记录已评分", "聊天记录评分已修改", "聊天记录评分被申诉", "聊天记录申诉已处理",
                            "积分规则已修改"}
    changed = qa_rows["聊天记录评分已修改"].text
    assert "评分卡 #" in changed and "问候语：达标 → 不达标" in changed
    decided = qa_rows["聊天记录申诉已处理"].text
    assert "改为达标的项目：产品知识" in decided and "已支持：评分卡已更正" in decided
    rules = qa_rows["积分规则已修改"].text
    assert "2026-04 起的积分规则" in rules and "每天最多扣分：1 → 2" in rules and "低于 18 分：奖金扣 80。" in rules
    for row in qa_rows.values():
        for pattern in RAW:
            assert not re.search(pattern, row.text), (pattern, row.text)
