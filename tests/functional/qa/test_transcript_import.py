"""Importing chat transcripts: good rows land, bad lines are reported, nothing is duplicated."""

import json
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from cs_handbook.models.qa import Transcript, TranscriptTurn
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory
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


H = "agent,conversation,speaker,timestamp,text\n"


def _rows(report):
    return [(line, msgid) for line, msgid, _mapping in report.errors]


def test_a_field_over_the_csv_limit_costs_its_line_only(dbsession):
    AccountFactory(username="li")
    body = H + "li,c-1,agent,2026-03-02T10:00:00," + "字" * 200_000 + "\nli,c-2,agent,2026-03-02T10:00:00,您好\n"
    report = qa_service(dbsession).import_file(body.encode(), "h.csv")
    assert report.imported == 1 and [line for line, _m in _rows(report)] == [2]
    assert "longer than the file reader allows" in report.errors[0][1]


def test_an_unclosed_quote_is_reported_and_the_rest_still_imports(dbsession):
    AccountFactory(username="li")
    body = H + 'li,c-1,agent,2026-03-02T10:00:00,"您好\n' + "".join(
        f"li,c-{i},agent,2026-03-02T10:00:00,您好\n" for i in range(2, 6))
    report = qa_service(dbsession).import_file(body.encode(), "q.csv")
    dbsession.flush()
    assert report.imported == 4
    assert _rows(report)[0][0] == 2 and "never closed" in report.errors[0][1]
    assert sorted(dbsession.scalars(select(Transcript.external_id))) == ["c-2", "c-3", "c-4", "c-5"]


def test_a_quote_closed_far_below_does_not_swallow_the_lines_between(dbsession):
    AccountFactory(username="li")
    body = (H + 'li,c-1,agent,2026-03-02T10:00:00,"您好\nli,c-2,agent,2026-03-02T10:00:00,在的\n'
            'li,c-3,agent,2026-03-02T10:00:00,"引号""里的字"""\n')
    report = qa_service(dbsession).import_file(body.encode(), "q.csv")
    assert report.imported == 2 and _rows(report)[0][0] == 2


def test_line_numbers_stay_physical_after_a_multi_line_text(dbsession):
    AccountFactory(username="li")
    body = (H + 'li,c-1,customer,2026-03-02T10:00:00,"第一行\n第二行"\n'
            "li,c-1,agent,2026-03-02T10:00:30,您好\nli,c-2,agent,bad,再见\n")
    report = qa_service(dbsession).import_file(body.encode(), "m.csv")
    dbsession.flush()
    assert _rows(report) == [(5, "Bad timestamp ${value} (use ISO 8601, e.g. 2026-03-02T09:15:00).")]
    turn = dbsession.scalars(select(TranscriptTurn).order_by(TranscriptTurn.seq)).first()
    assert turn.text == "第一行\n第二行"


def test_timestamps_out_of_range_are_refused(dbsession):
    AccountFactory(username="li")
    body = H + "li,c-1,agent,0001-01-01T00:00:00,x\nli,c-2,agent,9999-12-31T23:59:59,x\n"
    report = qa_service(dbsession).import_file(body.encode(), "y.csv")
    dbsession.flush()
    assert report.imported == 0 and [line for line, _m in _rows(report) if "outside the years" in _m] == [2, 3]


def test_control_characters_are_removed_from_texts_on_both_databases(dbsession):
    AccountFactory(username="li")
    csv_report = qa_service(dbsession).import_file((H + "li,c-1,agent,2026-03-02T10:00:00,您\x00好\x07\n").encode(),
                                                   "n.csv")
    json_report = qa_service(dbsession).import_file(
        b'[{"agent":"li","conversation":"c-2","speaker":"agent","timestamp":"2026-03-02T10:00:00","text":"a\\u0000b"}]',
        "n.json")
    dbsession.flush()
    assert csv_report.imported == json_report.imported == 1
    assert sorted(dbsession.scalars(select(TranscriptTurn.text))) == ["ab", "您好"]
    assert csv_report.notices == [("Control characters were removed from ${count} texts.", {"count": 1})]
    bad_id = qa_service(dbsession).import_file((H + "li,c\x00-3,agent,2026-03-02T10:00:00,x\n").encode(), "n.csv")
    assert bad_id.imported == 0 and "control characters" in bad_id.errors[0][1]


def test_a_whole_gbk_file_is_read_as_gb18030(dbsession):
    AccountFactory(username="li")
    raw = conversation_csv(good_conversation("li", "c-1")).decode().encode("gb18030")
    report = qa_service(dbsession).import_file(raw, "gbk.csv")
    dbsession.flush()
    assert report.imported == 1 and report.errors == []
    assert report.notices == [("The file is not UTF-8; it was read as GB18030 (GBK).", {})]
    assert "您好，很高兴为您服务！请问有什么可以帮您？" in dbsession.scalars(select(TranscriptTurn.text)).all()


def test_common_timestamp_formats(dbsession):
    AccountFactory(username="li")
    stamps = ["2026/03/02 10:00:00", "2026-03-02 10:00:00", "2026-03-02T10:00:00.123+08:00", "1772416800",
              "2026年3月2日 10:00", "1772416800000"]
    body = H + "".join(f"li,c-{i},agent,{stamp},您好\n" for i, stamp in enumerate(stamps))
    report = qa_service(dbsession).import_file(body.encode(), "t.csv")
    dbsession.flush()
    assert report.imported == 6 and report.errors == []
    assert {t.started_at.hour for t in dbsession.scalars(select(Transcript))} == {2}  # 10:00 in Shanghai


def test_naive_times_are_the_agent_s_team_time(dbsession):
    london = TeamFactory(name="London", timezone="Europe/London")
    AccountFactory(username="li", team=london)
    report = qa_service(dbsession).import_file((H + "li,c-1,agent,2026-03-02T02:00:00,hi\n").encode(), "d.csv")
    dbsession.flush()
    transcript = dbsession.scalars(select(Transcript)).one()
    assert report.imported == 1
    assert transcript.started_at == datetime(2026, 3, 2, 2, tzinfo=UTC) and transcript.day == date(2026, 3, 2)


def test_a_conversation_with_a_bad_line_waits_for_the_fixed_file(dbsession):
    AccountFactory(username="li")
    rows = good_conversation("li", "c-1")
    bad = list(rows)
    bad[2] = ("li", "c-1", "agent", "oops", bad[2][4])
    service = qa_service(dbsession)
    first = service.import_file(conversation_csv(bad), "a.csv")
    dbsession.flush()
    assert first.imported == 0
    assert [m for _l, m, _k in first.errors][-1].startswith("Conversation ${value} was not imported")
    assert first.errors[-1][2] == {"value": "c-1", "lines": "4"}
    again = service.import_file(conversation_csv(rows), "a.csv")
    dbsession.flush()
    assert (again.imported, again.errors) == (1, [])
    assert dbsession.scalar(select(func.count()).select_from(TranscriptTurn)) == 4


def test_a_conversation_cut_short_is_completed_until_it_is_sampled(dbsession):
    AccountFactory(username="li")
    rows = good_conversation("li", "c-1")
    service = qa_service(dbsession)
    service.import_file(conversation_csv(rows[:2]), "part.csv")
    dbsession.flush()
    report = service.import_file(conversation_csv(rows), "all.csv")
    dbsession.flush()
    assert (report.imported, report.completed, report.duplicates) == (0, 1, 0)
    transcript = dbsession.scalars(select(Transcript)).one()
    assert [t.seq for t in transcript.turns] == [0, 1, 2, 3] and transcript.turns[3].text == rows[3][4]
    assert service.import_file(conversation_csv(rows), "all.csv").duplicates == 1
    service.draw_sample(date(2026, 3, 2))
    dbsession.flush()
    late = service.import_file(conversation_csv(rows + [("li", "c-1", "agent", "2026-03-02T10:05:00", "再见")]),
                               "late.csv")
    assert late.completed == 0 and "already being scored" in late.errors[0][1]


def test_json_values_of_the_wrong_kind(dbsession):
    AccountFactory(username="li")
    at = "2026-03-02T10:00:00"
    data = [{"agent": "li", "conversation": 5, "speaker": "agent", "timestamp": at, "text": {"a": 1}},
            {"agent": ["li"], "conversation": "x", "speaker": "agent", "timestamp": at, "text": "hi"},
            {"agent": "li", "conversation": "y", "speaker": "agent", "timestamp": at},
            {"agent": "li", "conversation": "z", "speaker": "agent", "timestamp": 1772416800, "text": "ok"}]
    report = qa_service(dbsession).import_file(json.dumps(data).encode(), "w.json")
    assert report.imported == 1 and report.unit == "row"
    assert [line for line, _m in _rows(report)] == [1, 2, 3]


def test_usernames_and_headers_are_read_forgivingly(dbsession):
    AccountFactory(username="li")
    body = "客服, 会话, 说话人, 时间, 内容\nLi,c-1,客服,2026-03-02 10:00:00,您好\n"
    report = qa_service(dbsession).import_file(body.encode(), "s.csv")
    assert (report.imported, report.errors) == (1, [])


def test_the_import_page_never_fails_on_bad_files(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    login(testapp, "qa1")
    bodies = [
        ("h.csv", (H + "li,c-1,agent,2026-03-02T10:00:00," + "字" * 200_000 + "\n").encode(), 400),
        ("n.csv", (H + "li,c-2,agent,2026-03-02T10:00:00,您\x00好\n").encode(), 200),
        ("n.json", b'[{"agent":"li","conversation":"c-3","speaker":"agent","timestamp":"2026-03-02T10:00:00",'
                   b'"text":"a\\u0000b"}]', 200),
        ("i.json", b"[1,2,3]", 400),
        ("d.json", b'[{"agent":"li","conversation":"c-4","speaker":"agent","timestamp":"9999-12-31T23:59:59",'
                   b'"text":"x"}]', 400),
        ("y.csv", (H + "li,c-5,agent,0001-01-01T00:00:00,x\n").encode(), 400),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, 400),
    ]
    for name, raw, status in bodies:
        form = testapp.get("/qa/import").forms["deform"]
        form["upload"] = (name, raw)
        page = form.submit("submit", status=status)
        assert page.html.find(id="import-report") is not None, name
    dbsession.commit()
    assert sorted(dbsession.scalars(select(Transcript.external_id))) == ["c-2", "c-3"]
    page = testapp.get("/qa/import").forms["deform"]
    page["upload"] = ("y.csv", (H + "li,c-5,agent,0001-01-01T00:00:00,x\n").encode())
    text = page.submit("submit", status=400).text
    assert "第 2 行" in text and "2000" in text and "2100" in text


def test_the_same_file_imported_twice_at_once_lands_once(dbsession, registry):
    import threading

    import transaction
    import zope.sqlalchemy

    from cs_handbook.models import sqlite_write_intent

    AccountFactory(username="li")
    dbsession.commit()
    raw = conversation_csv([row for i in range(10) for row in good_conversation("li", f"c-{i}")])
    barrier, reports, errors = threading.Barrier(2), [], []

    def load():
        sqlite_write_intent.set(True)
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                reports.append(qa_service(session).import_file(raw, "d.csv"))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted((r.imported, r.duplicates) for r in reports) == [(0, 10), (10, 0)]
    dbsession.rollback()
    assert _count(dbsession, Transcript) == 10 and _count(dbsession, TranscriptTurn) == 40
