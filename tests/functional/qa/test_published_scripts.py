"""The etiquette check with the real script sets: policies/scripts loaded and published, a chat imported,
sampled and opened by the evaluator, whose findings quote the published phrases and name their script set."""

import shutil
from pathlib import Path

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.models.qa import Evaluation
from cs_handbook.scripts.progress import Progress
from cs_handbook.services import documents_files
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import service as document_service
from tests.factories_qa import conversation_csv


class _ContentRequest:
    identity = None

    def __init__(self, dbsession):
        self.documents = document_service(dbsession)

    def find_service(self, cls):
        return self.documents


def load_script_sets(dbsession, tmp_path) -> None:
    folder = tmp_path / "policies"
    shutil.copytree(Path(DEFAULT_CONTENT_DIRS["policies"]) / "scripts", folder / "scripts")
    report = documents_files.load(_ContentRequest(dbsession), folder, Progress(quiet=True))
    assert not report.errors and report.created >= 8
    dbsession.commit()


CHAT = [
    ("li", "real-1", "customer", "2026-03-02T10:00:00", "你好，我的快递都三天了还没到"),
    ("li", "real-1", "agent", "2026-03-02T10:00:20", "您好，很高兴为您服务！请提供一下单号。"),
    ("li", "real-1", "customer", "2026-03-02T10:00:40", "SF1234567"),
    ("li", "real-1", "agent", "2026-03-02T10:01:10", "丢件理赔不归我管。收件人电话不知道也没关系，地址写详细就行。"),
    ("li", "real-1", "agent", "2026-03-02T10:01:40", "感谢您的来电，祝您生活愉快，再见！"),
]


def test_findings_quote_the_published_script_sets(testapp, dbsession, tmp_path):
    load_script_sets(dbsession, tmp_path)
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    login(testapp, "qa1")
    form = testapp.get("/qa/import").forms["deform"]
    form["upload"] = ("day.csv", conversation_csv(CHAT))
    assert "1" in form.submit("submit").html.find(id="import-report").text
    sample = next(f for f in testapp.get("/qa/").forms.values() if f.action.endswith("/qa/sample"))
    sample["day"] = "2026-03-02"
    sample.submit(status=303)
    dbsession.commit()

    evaluation = dbsession.query(Evaluation).one()
    by_check = {}
    for finding in evaluation.findings:
        by_check.setdefault(finding["check"], []).append(finding)
    greeting, closing = by_check["greeting"][0], by_check["closing"][0]
    assert greeting["ok"] and greeting["phrase"] == "您好，很高兴为您服务！"
    assert greeting["source"] == "scripts/greeting-and-closing" and greeting["source_title"] == "问候语与结束语"
    assert closing["ok"] and closing["phrase"] == "感谢您的来电，祝您生活愉快，再见！" and closing["score"] == 100
    used = [f for f in by_check["forbidden"] if not f["ok"]]
    assert [(f["phrase"], f["source"]) for f in used] == [("不归我管", "scripts/forbidden-wording")]
    assert used[0]["evidence"] == "丢件理赔不归我管。"
    # 不知道 is in the same turn, said as a reassurance: reported, not counted.
    excused = [f for f in by_check["forbidden"] if f["ok"] and f["phrase"]]
    assert [(f["phrase"], f["rule"]) for f in excused] == [("不知道", "followed by a reassurance (…也没关系)")]
    apology = by_check["apology"][0]
    assert not apology["ok"] and apology["evidence"] == "你好，我的快递都三天了还没到"

    page = testapp.get(f"/qa/evaluations/{evaluation.id}")
    item = page.html.find("li", attrs={"data-check": "forbidden"})
    assert "“不归我管”" in item.text and "服务禁用语" in item.text and "推诿类禁用语" in item.text
    assert item.find("a")["href"].endswith("/handbook/read/scripts/forbidden-wording")
    apology_item = page.html.find("li", attrs={"data-check": "apology"})
    assert "客户表达了不满，客服没有致歉" in apology_item.text and "在等或已等了很久" in apology_item.text
    assert "不算禁用语" in page.html.find_all("li", attrs={"data-check": "forbidden"})[1].text


def test_an_innocent_phrase_is_explained_with_the_published_phrase(dbsession, tmp_path):
    from datetime import UTC, date, datetime

    from cs_handbook.clock import FixedClock
    from cs_handbook.services.qa import QAService, published_script_phrases
    from cs_handbook.services.site_settings import SiteSettingsService

    load_script_sets(dbsession, tmp_path)
    AccountFactory(username="li")
    request = _ContentRequest(dbsession)
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    service = QAService(dbsession, clock, SiteSettingsService(dbsession, clock),
                        phrase_source=lambda: published_script_phrases(request))
    rows = [
        ("li", "real-2", "customer", "2026-03-02T11:00:00", "你好，我要寄件，收件人电话我记不清了"),
        ("li", "real-2", "agent", "2026-03-02T11:00:15",
         "您好，很高兴为您服务！收件人电话不知道也没关系，地址写详细就行。"),
        ("li", "real-2", "agent", "2026-03-02T11:00:40", "感谢您的咨询，祝您生活愉快！"),
    ]
    service.import_file(conversation_csv(rows), "d.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    findings = dbsession.query(Evaluation).one().findings
    forbidden = [f for f in findings if f["check"] == "forbidden"]
    assert all(f["ok"] for f in forbidden)
    excused = next(f for f in forbidden if f["phrase"])
    assert excused["phrase"] == "不知道" and excused["source_title"] == "服务禁用语"
    assert excused["rule"] == "followed by a reassurance (…也没关系)"
