"""Importing chat transcripts: good rows land, bad lines are reported, nothing is duplicated."""

import json

from sqlalchemy import func, select

from cs_handbook.models.qa import Transcript, TranscriptTurn
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_qa import conversation_csv, good_conversation, qa_service


def _count(dbsession, model):
    return dbsession.scalar(select(func.count()).select_from(model))


def test_csv_import_groups_turns_and_skips_reimports(dbsession):
    AccountFactory(username="li")
    raw = conversation_csv(good_conversation("li", "c-1") + good_conversation("li", "c-2"))
    report = qa_service(dbsession).import_file(raw, "day.csv")
    dbsession.commit()
    assert (report.imported, report.duplicates, report.errors) == (2, 0, [])
    assert _count(dbsession, TranscriptTurn) == 8
    again = qa_service(dbsession).import_file(raw, "day.csv")
    dbsession.commit()
    assert (again.imported, again.duplicates) == (0, 2)
    assert _count(dbsession, Transcript) == 2


def test_bad_lines_are_reported_by_number_and_good_rows_kept(dbsession):
    AccountFactory(username="li")
    rows = good_conversation("li", "c-1") + [
        ("ghost", "c-9", "agent", "2026-03-02T10:00:00", "您好"),
        ("li", "c-3", "agent", "yesterday", "您好"),
        ("li", "c-4", "经理", "2026-03-02T10:00:00", "您好"),  # robot or 系统 would be the system
    ]
    report = qa_service(dbsession).import_file(conversation_csv(rows), "x.csv")
    dbsession.commit()
    assert report.imported == 1
    assert sorted(line for line, _m, _k in report.errors) == [6, 7, 8]
    messages = " ".join(m for _l, m, _k in report.errors)
    assert "Unknown agent" in messages and "Bad timestamp" in messages and "Unknown speaker" in messages


def test_missing_columns_refuse_the_file(dbsession):
    report = qa_service(dbsession).import_file(b"agent,text\nli,hello\n", "x.csv")
    assert report.imported == 0 and "Missing columns" in report.errors[0][1]


def test_mixed_encodings_keep_the_utf8_lines(dbsession):
    AccountFactory(username="li")
    raw = conversation_csv(good_conversation("li", "c-1"))
    raw += "li,c-2,agent,2026-03-02T11:00:00,您好\n".encode("gb18030")
    report = qa_service(dbsession).import_file(raw, "mixed.csv")
    dbsession.commit()
    assert report.imported == 1
    assert report.errors[0][0] == 6 and "not UTF-8" in report.errors[0][1]


def test_json_rows_import(dbsession):
    AccountFactory(username="li")
    rows = [
        dict(zip(("agent", "conversation", "speaker", "timestamp", "text"), r)) for r in good_conversation("li", "j-1")
    ]
    report = qa_service(dbsession).import_file(json.dumps(rows, ensure_ascii=False).encode(), "x.json")
    assert report.imported == 1
    broken = qa_service(dbsession).import_file(b"{not json", "x.json")
    assert broken.imported == 0 and "Not valid JSON" in broken.errors[0][1]


def test_import_page_reports_lines_in_chinese(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    login(testapp, "qa1")
    form = testapp.get("/qa/import").forms["deform"]
    rows = good_conversation("li", "c-1") + [("li", "c-3", "agent", "nope", "您好")]
    form["upload"] = ("day.csv", conversation_csv(rows))
    page = form.submit("submit")
    assert "第 6 行" in page.text and "时间格式错误" in page.text
    assert _count(dbsession, Transcript) == 1


def test_import_page_with_only_bad_rows_is_400(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    login(testapp, "qa1")
    form = testapp.get("/qa/import").forms["deform"]
    form["upload"] = ("day.csv", b"\xff\xfe\x00garbage")
    form.submit("submit", status=400)
    assert _count(dbsession, Transcript) == 0
