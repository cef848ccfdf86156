"""Trainer pages: bank, editor (new version), key fix + regrade, essay queue, import/export, stats, results."""

import pytest
from sqlalchemy import select
from webtest import Upload

from cs_handbook.models.quizzes import Attempt, Question, QuestionVersion, QuizStats
from cs_handbook.services.quizzes import AttemptService
from cs_handbook.services.quizzes_stats import StatsService
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_bank, make_quiz


def _trainer(testapp):
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "trainer")


def test_bank_and_editor_make_a_new_version(testapp, dbsession, clock):
    make_bank(dbsession)
    _trainer(testapp)
    page = testapp.get("/quizzes/bank", {"tag": "标签"})
    assert "q-single" in page.text and "服务基础" in page.text
    form = testapp.get("/quizzes/bank/new", {"q": "basics/q-tf"}).forms["question"]
    form.set("text", "新的题目文字", index=0)
    form.submit("submit", status=303)
    dbsession.rollback()
    versions = dbsession.scalars(select(QuestionVersion.number).join(Question).where(Question.key == "q-tf")).all()
    assert sorted(versions) == [1, 2]
    testapp.get("/quizzes/bank/new", {"q": "basics/missing"}, status=404)


def test_fix_key_regrades_and_essay_queue(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-essay"])
    taker = AccountFactory()
    service = AttemptService(dbsession, clock)
    attempt = service.start(quiz, taker.id)
    service.save(attempt, {"1": 1, "2": "我的回答"}, 1)
    service.finish(attempt)
    dbsession.commit()
    version_id = attempt.questions[0].version_id
    _trainer(testapp)
    queue = testapp.get("/quizzes/grading")
    assert "我的回答" in queue.text
    form = next(f for f in queue.forms.values() if "/quizzes/grading/" in (f.action or ""))
    form["mark"] = "5"
    form.submit(status=400)
    form["mark"] = "1"
    form.submit(status=303)
    dbsession.rollback()
    dbsession.expire_all()
    assert dbsession.get(Attempt, attempt.id).score_percent == 50.0
    form = testapp.get(f"/quizzes/bank/versions/{version_id}/key").forms["key"]
    # The key moves from the first option to the second (checkboxes in option order).
    form.get("correct", index=0).checked = False
    form.get("correct", index=1).checked = True
    form.submit("submit", status=303)
    dbsession.rollback()
    dbsession.expire_all()
    assert dbsession.get(Attempt, attempt.id).score_percent == 100.0


def test_import_export_and_refusals(testapp, dbsession, clock):
    make_bank(dbsession)
    _trainer(testapp)
    gift = testapp.get("/quizzes/bank/export.gift")
    xml = testapp.get("/quizzes/bank/export.xml")
    assert "$CATEGORY" in gift.text and "<quiz>" in xml.text
    form = testapp.get("/quizzes/bank/import").forms["import"]
    form["format"] = "gift"
    form["upload"] = Upload("bank.txt", "::x::题目 {=对 ~错}".encode("gbk"), "text/plain")
    assert "文件不是 UTF-8 文本" in form.submit("submit", status=400).text
    form = testapp.get("/quizzes/bank/import").forms["import"]
    form["format"] = "gift"
    body = "$CATEGORY: $course$/top/imported-cat\n\n::a1::新题 {=对 ~错}\n\n::a2::坏题 {=只有一个}\n\n::a3::坏 没有\n"
    form["upload"] = Upload("bank.txt", body.encode(), "text/plain")
    page = form.submit("submit", status=200)
    assert "已导入：新增 2，更新 0，未变 0。" in page.text
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.html.select(".import-errors tbody tr")]
    assert rows == [["第 3 题", "题目缺少花括号中的答案部分。"]]
    # A fresh form for the next file under the report.
    assert page.forms["import"]["upload"].value == ""
    dbsession.rollback()
    keys = set(dbsession.scalars(select(Question.key)))
    assert "a1" in keys and "a2" in keys and "a3" not in keys
    testapp.get("/quizzes/bank/export.csv", status=404)


def test_stats_computed_off_request_path_and_served(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"])
    service = AttemptService(dbsession, clock)
    for answers in ({"1": 0, "2": True}, {"1": 1, "2": True}, {"1": 1, "2": False}):
        attempt = service.start(quiz, AccountFactory().id)
        service.save(attempt, answers, 1)
        service.finish(attempt)
    dbsession.commit()
    _trainer(testapp)
    assert "尚未计算" in testapp.get(f"/quizzes/q/{quiz.slug}/stats").text
    assert StatsService(dbsession, clock).compute(quiz) is True
    dbsession.commit()
    stored = dbsession.scalar(select(QuizStats))
    assert stored.data["attempts"] == 3
    facilities = [round(i["facility"], 2) for i in stored.data["items"]]
    assert facilities == [0.33, 0.67]
    page = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "0.33" in page.text and "0.67" in page.text
    results = testapp.get(f"/quizzes/q/{quiz.slug}/results")
    assert results.text.count("#1") == 3


def test_quiz_builder_creates_and_edits(testapp, dbsession, clock):
    from cs_handbook.models.quizzes import Quiz

    make_bank(dbsession)
    _trainer(testapp)
    page = testapp.get("/quizzes/bank/quiz")
    # The question fields search the bank: a datalist of every question, its id as the value.
    listed = {o["value"]: o["label"] for o in page.html.select("datalist#bank-questions option")}
    assert listed["basics/q-tf"] == "首问负责制要求第一位接待者负责到底。"
    assert page.html.select_one("input[name=question]")["list"] == "bank-questions"
    form = page.forms["quiz"]
    form["slug"] = "built"
    form["title"] = "新测验"
    form["time_limit_minutes"] = "10"
    form["grading"] = "average"
    form["review_marks"] = "after_close"
    form["review_feedback"] = "never"
    # A draw first, then a fixed question: the quiz keeps that order.
    form.set("category", "basics", index=0)
    form.set("count", "2", index=0)
    form.set("question", "basics/missing", index=1)
    page = form.submit("submit", status=400)
    assert "题库中没有这个编号的题目" in page.html.select(".item-slots .deform-seq-item")[1].get_text()
    form = page.forms["quiz"]
    form.set("question", "basics/q-tf", index=1)
    form.set("category", "basics", index=1)
    assert "请选择一道题或一个分类，不能同时选。" in form.submit("submit", status=400).text
    form.set("category", "", index=1)
    form.submit("submit", status=303)
    dbsession.rollback()
    quiz = dbsession.scalar(select(Quiz).where(Quiz.slug == "built"))
    assert (quiz.grading, quiz.time_limit_minutes) == ("average", 10)
    assert (quiz.review_marks, quiz.review_answers, quiz.review_feedback, quiz.review_sources) == (
        "after_close", "after_submit", "never", "after_submit")
    assert [(s.question_id is not None, s.count) for s in quiz.slots] == [(False, 2), (True, 1)]
    form = testapp.get("/quizzes/bank/quiz", {"slug": "built"}).forms["quiz"]
    assert [form.get("category", index=0).value, form.get("question", index=1).value] == ["basics", "basics/q-tf"]
    testapp.get("/quizzes/bank/quiz", {"slug": "nope"}, status=404)


def test_an_import_with_many_bad_questions_reports_them_all_on_the_page(testapp, dbsession, clock):
    _trainer(testapp)
    bad = "\n\n".join(f"::bad{i}::坏题没有答案块，这是第 {i} 道，理由写得很长很长很长很长很长" for i in range(40))
    body = f"$CATEGORY: $course$/top/many\n\n::good::好题 {{T}}\n\n{bad}\n"
    form = testapp.get("/quizzes/bank/import").forms["import"]
    form["format"] = "gift"
    form["upload"] = Upload("bank.txt", body.encode(), "text/plain")
    page = form.submit("submit", status=200)
    assert len(page.html.select(".import-errors tbody tr")) == 40
    assert "有 40 道题没有导入" in page.text
    # Nothing of the report rides in the session cookie (4 KB at most).
    assert all(len(value) < 4096 for name, value in page.headerlist if name.lower() == "set-cookie")
    dbsession.rollback()
    assert list(dbsession.scalars(select(Question.key))) == ["good"]


def _import(testapp, body, fmt="gift"):
    form = testapp.get("/quizzes/bank/import").forms["import"]
    form["format"] = fmt
    form["upload"] = Upload("bank.txt", body.encode("utf-8"), "text/plain")
    return form.submit("submit", status=200)


def _bank_rows(dbsession):
    dbsession.rollback()
    questions = dbsession.scalars(select(Question))
    return sorted((q.key, q.current_number, q.current.type, q.current.text) for q in questions)


def test_imports_never_overwrite_each_other(testapp, dbsession, clock):
    _trainer(testapp)
    # Untitled, Chinese-titled and "Q 1" questions, two files into one category.
    first = ("$CATEGORY: $course$/top/默认\n\n第一份文件的题 {=对 ~错}\n\n::第一题::中文标题的题 {T}\n\n"
             "::Q 1::带空格 {F}\n")
    second = "$CATEGORY: $course$/top/默认\n\n第二份文件的题目 {T}\n\n::第一题::另一道中文标题的题 {F}\n"
    _import(testapp, first)
    before = _bank_rows(dbsession)
    assert len(before) == 3 and all(key.startswith("q-") for key, *_ in before)
    page = _import(testapp, second)
    assert "已导入：新增 2，更新 0，未变 0。" in page.text
    after = _bank_rows(dbsession)
    assert len(after) == 5 and set(before) <= set(after)  # every first-file question intact, version 1
    # The same file again changes nothing.
    assert "已导入：新增 0，更新 0，未变 3。" in _import(testapp, first).text
    assert _bank_rows(dbsession) == after


def test_a_taken_title_imports_beside_the_question_that_holds_it(testapp, dbsession, clock):
    make_bank(dbsession, keys=["q-single"])
    _trainer(testapp)
    page = _import(testapp, "$CATEGORY: $course$/top/basics\n\n::q-single::同名的另一道题 {T}\n")
    [note] = [[td.get_text(strip=True) for td in tr.find_all("td")]
              for tr in page.html.select(".import-notes tbody tr")]
    assert note[0] == "第 1 题" and note[1].startswith("它的标识已被另一道题使用，已改用 q-single-")
    rows = _bank_rows(dbsession)
    assert ("q-single", 1, "single", "客户满意度取决于什么？") in rows
    assert [r for r in rows if r[0] != "q-single"][0][2:] == ("truefalse", "同名的另一道题")
    # An import of our own export finds every question unchanged.
    exported = testapp.get("/quizzes/bank/export.xml").text
    assert "未变 2。" in _import(testapp, exported, fmt="xml").text
    assert _bank_rows(dbsession) == rows


def test_new_question_with_a_taken_key_is_refused_on_the_key(testapp, dbsession, clock):
    make_bank(dbsession, keys=["q-tf"])
    _trainer(testapp)
    form = testapp.get("/quizzes/bank/new").forms["question"]
    form["category"] = "basics"
    form["key"] = "q-tf"
    form["type"] = "truefalse"
    form.set("text", "另一道题", index=0)
    form["answer"] = "false"
    page = form.submit("submit", status=400)
    assert "本分类中已有使用这个标识的题目。" in page.html.select_one(".item-key").get_text()
    assert _bank_rows(dbsession) == [("q-tf", 1, "truefalse", "首问负责制要求第一位接待者负责到底。")]
    # Editing the question itself still makes its next version.
    form = testapp.get("/quizzes/bank/new", {"q": "basics/q-tf"}).forms["question"]
    form.set("text", "改过的题", index=0)
    form.submit("submit", status=303)
    assert _bank_rows(dbsession) == [("q-tf", 2, "truefalse", "改过的题")]


def test_imported_points_and_sources_outside_the_limits_are_reported(testapp, dbsession, clock):
    _trainer(testapp)
    long_source = "handbook/" + "x" * 300
    body = ("$CATEGORY: $course$/top/limits\n\n"
            "// points: nan\n::p-nan::写两段 {}\n\n"
            "// points: 0\n::p-zero::写一段 {}\n\n"
            "// points: -3\n::p-negative::对吗 {T}\n\n"
            f"// [tag:source:{long_source}]\n::long-source::对吗 {{T}}\n\n"
            "// points: 2.5\n::fine::对吗 {F}\n")
    page = _import(testapp, body)
    reasons = [[td.get_text(strip=True) for td in tr.find_all("td")]
               for tr in page.html.select(".import-errors tbody tr")]
    assert reasons == [["第 1 题", "分值必须是 0.1 到 100 之间的数。"], ["第 2 题", "分值必须是 0.1 到 100 之间的数。"],
                       ["第 3 题", "分值必须是 0.1 到 100 之间的数。"], ["第 4 题", "出处文档的名称超过 300 个字符。"]]
    xml = ('<quiz><question type="shortanswer"><name><text>zero</text></name><questiontext><text>t</text>'
           '</questiontext><defaultgrade>0</defaultgrade><answer fraction="100"><text>x</text></answer></question>'
           '</quiz>')
    page = _import(testapp, xml, fmt="xml")
    assert "分值必须是 0.1 到 100 之间的数。" in page.html.select_one(".import-errors").get_text()
    dbsession.rollback()
    assert [(q.key, q.current.points) for q in dbsession.scalars(select(Question))] == [("fine", 2.5)]


def test_builder_refuses_random_counts_it_cannot_store(testapp, dbsession, clock):
    make_bank(dbsession)
    _trainer(testapp)
    form = testapp.get("/quizzes/bank/quiz").forms["quiz"]
    form["slug"] = "big"
    form["title"] = "大测验"
    form["grading"] = "highest"
    form.set("category", "basics", index=0)
    for count in ("99999999999", "²", "0", "101", "x"):
        form.set("count", count, index=0)
        form.submit("submit", status=400)
    dbsession.rollback()
    from cs_handbook.models.quizzes import Quiz

    assert dbsession.scalar(select(Quiz).where(Quiz.slug == "big")) is None


def test_import_notes_what_it_left_out(testapp, dbsession, clock):
    _trainer(testapp)
    page = _import(testapp, "::s::首次响应时限？ {=%100%60秒 =%50%一分钟}\n")
    [note] = [[td.get_text(strip=True) for td in tr.find_all("td")]
              for tr in page.html.select(".import-notes tbody tr")]
    assert note == ["第 1 题", "带部分得分的答案未导入：简答题只有全对或不得分。"]
    dbsession.rollback()
    assert [q.current.data for q in dbsession.scalars(select(Question))] == [{"answers": ["60秒"]}]


def test_trainers_refresh_statistics_from_the_page(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-tf", "q-order"])
    service = AttemptService(dbsession, clock)
    for answers in ({"1": True, "2": [0, 1, 2, 3, 4]}, {"1": False, "2": [1, 0, 2, 3, None]}):
        attempt = service.start(quiz, AccountFactory().id)
        service.save(attempt, answers, 1)
        service.finish(attempt)
    dbsession.commit()
    _trainer(testapp)
    page = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "尚未计算统计。" in page.text
    refresh = next(f for f in page.forms.values() if (f.action or "").endswith("/stats/refresh"))
    page = refresh.submit(status=303).follow()
    assert "统计已计算完成。" in page.text
    assert "计算于 2026-03-02 17:00 (Asia/Shanghai)。" in page.text  # 09:00 UTC in the reader's zone
    cells = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.html.select(".stats-table tbody tr")]
    assert cells[0][:2] == ["首问负责制要求第一位接待者负责到底。", "判断题"]
    assert cells[0][-1] == "正确：1；错误：1"
    assert cells[1][1] == "排序题" and "记录 → 受理 → 分析 → 处理 → 反馈：1" in cells[1][-1]
    assert "受理 → 记录 → 分析 → 处理 → —：1" in cells[1][-1]
    dbsession.rollback()
    assert dbsession.scalar(select(QuizStats)).data["attempts"] == 2


def test_managers_read_statistics_but_have_no_refresh_button(testapp, dbsession, clock):
    from tests.factories import TeamFactory, make_team_manager

    quiz = make_quiz(dbsession, keys=["q-tf"])
    manager = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(manager, TeamFactory(name="客服一组"))
    login(testapp, "boss")
    page = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "尚未计算统计。" in page.text and not page.html.select("form.stats-refresh")


@pytest.mark.postgresql_only  # SQLite serialises writers: a second run waits for the first instead
def test_two_statistics_runs_at_once_compute_once(dbsession, registry, clock):
    """Two runs for one quiz on PostgreSQL: the second finds the quiz held and skips it."""
    from cs_handbook.models.quizzes import Quiz

    quiz = make_quiz(dbsession, keys=["q-tf"])
    attempt = AttemptService(dbsession, clock).start(quiz, AccountFactory().id)
    AttemptService(dbsession, clock).finish(attempt)
    quiz_id = quiz.id
    dbsession.commit()
    first, second = registry["dbsession_factory"](), registry["dbsession_factory"]()
    try:
        assert StatsService(first, clock).compute(first.get(Quiz, quiz_id)) is True  # holds the row until commit
        assert StatsService(second, clock).compute(second.get(Quiz, quiz_id)) is False
        second.rollback()
        first.commit()
    finally:
        first.close()
        second.close()
    dbsession.expire_all()
    rows = dbsession.scalars(select(QuizStats)).all()
    assert len(rows) == 1 and rows[0].data["attempts"] == 1 and rows[0].computed_at is not None


def test_the_bank_names_question_types_in_the_readers_language(testapp, dbsession, clock):
    make_bank(dbsession)
    _trainer(testapp)
    page = testapp.get("/quizzes/bank")
    types = {tr.find_all("td")[1].get_text(strip=True) for tr in page.html.select(".bank-category tbody tr")}
    assert types == {"单选题", "多选题", "判断题", "简答题", "排序题", "匹配题", "论述题"}


@pytest.mark.parametrize("fmt", ["gift", "xml"])
def test_import_then_export_through_the_database_keeps_every_question(testapp, dbsession, clock, fmt):
    from cs_handbook.services.quizzes_transfer import FORMATS
    from tests.unit.test_quizzes_transfer import sample_records

    parse, export = FORMATS[fmt]
    records = sample_records()
    _trainer(testapp)
    page = _import(testapp, export(records), fmt=fmt)
    assert f"已导入：新增 {len(records)}，更新 0，未变 0。" in page.text
    assert not page.html.select(".import-errors, .import-notes")
    for out in ("gift", "xml"):
        exported = testapp.get(f"/quizzes/bank/export.{out}").text
        parsed, errors = FORMATS[out][0](exported)
        assert errors == []
        key = lambda r: (r["category"], r["key"])  # noqa: E731
        assert sorted(({k: v for k, v in r.items() if k != "position"} for r in parsed), key=key) == sorted(
            records, key=key)


def _audit(dbsession, action):
    from cs_handbook.models.audit import AuditEvent

    dbsession.rollback()
    return [(e.actor_name, e.target_type, e.detail) for e in dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_changes_to_keys_marks_the_bank_and_quizzes_are_audited(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-essay"])
    service = AttemptService(dbsession, clock)
    attempt = service.start(quiz, AccountFactory().id)
    service.save(attempt, {"1": 1, "2": "我的回答"}, 1)
    service.finish(attempt)
    dbsession.commit()
    essay_item, version_id = attempt.questions[1].id, attempt.questions[0].version_id
    _trainer(testapp)
    # Essay mark, then a change of it from the review.
    queue = testapp.get("/quizzes/grading")
    form = next(f for f in queue.forms.values() if "/quizzes/grading/" in (f.action or ""))
    form["mark"] = "0.5"
    form.submit(status=303)
    review = testapp.get(f"/quizzes/attempts/{attempt.id}/review")
    page = review.click(href=f"/quizzes/grading/{essay_item}$")
    form = next(f for f in page.forms.values() if (f.action or "").endswith(f"/quizzes/grading/{essay_item}"))
    assert form["mark"].value == "0.5"
    form["mark"] = "1"
    form["feedback"] = "改判：三点都答到了"
    back = form.submit(status=303)
    assert back.location.endswith(f"/quizzes/attempts/{attempt.id}/review")
    assert [d["before"] for _who, _t, d in _audit(dbsession, "quiz.essay_marked")] == [None, 0.5]
    dbsession.expire_all()
    assert dbsession.get(Attempt, attempt.id).score_percent == 50.0  # essay right, single wrong
    # Key fix with its regrade.
    form = testapp.get(f"/quizzes/bank/versions/{version_id}/key").forms["key"]
    form.get("correct", index=0).checked = False
    form.get("correct", index=1).checked = True
    form.submit("submit", status=303)
    assert _audit(dbsession, "quiz.key_fixed") == [
        ("trainer", "question_version", {"question": "basics/q-single", "version": 1, "regraded": 1})]
    # Import, quiz settings, delete.
    _import(testapp, "$CATEGORY: $course$/top/audit\n\n::a1::对吗 {T}\n\n::bad::没有答案块\n")
    [(_who, _t, detail)] = _audit(dbsession, "quiz.bank_imported")
    assert (detail["format"], detail["created"], detail["refused"], detail["file"]) == ("gift", 1, 1, "bank.txt")
    form = testapp.get("/quizzes/bank/quiz", {"slug": quiz.slug}).forms["quiz"]
    form["pass_mark"] = "60"
    form["review_answers"] = "never"
    form.submit("submit", status=303)
    [(_who, target, detail)] = _audit(dbsession, "quiz.settings_changed")
    assert target == "quiz" and detail == {"slug": quiz.slug, "changed": ["pass_mark", "review_answers"]}
    question_id = dbsession.scalar(select(Question.id).where(Question.key == "a1"))
    testapp.get(f"/quizzes/bank/questions/{question_id}/delete").forms["delete"].submit("submit", status=303)
    assert _audit(dbsession, "quiz.question_deleted") == [("trainer", "question", {"question": "audit/a1"})]


def test_a_mark_out_of_range_is_shown_on_the_form(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-essay"])
    service = AttemptService(dbsession, clock)
    attempt = service.start(quiz, AccountFactory().id)
    service.save(attempt, {"1": "回答"}, 1)
    service.finish(attempt)
    in_progress = service.start(make_quiz(dbsession, slug="other", keys=["q-essay"]), AccountFactory().id)
    dbsession.commit()
    _trainer(testapp)
    item_id = attempt.questions[0].id
    form = next(f for f in testapp.get(f"/quizzes/grading/{item_id}").forms.values()
                if (f.action or "").endswith(f"/quizzes/grading/{item_id}"))
    for bad in ("5", "-1", "nan", "一"):
        form["mark"] = bad
        page = form.submit(status=400)
        assert "得分必须在 0 到该题分值之间。" in page.html.select_one("[role=alert]").get_text()
    # Nothing to mark yet in an attempt still being taken.
    testapp.get(f"/quizzes/grading/{in_progress.questions[0].id}", status=404)


def test_quiz_dates_are_entered_and_shown_in_the_trainers_zone(testapp, dbsession, clock):
    from cs_handbook.models.quizzes import Quiz

    make_bank(dbsession)
    _trainer(testapp)
    page = testapp.get("/quizzes/bank/quiz")
    assert "开放时间（Asia/Shanghai）" in page.text and "关闭时间（Asia/Shanghai）" in page.text
    form = page.forms["quiz"]
    form["slug"], form["title"], form["grading"] = "dated", "有期限的测验", "highest"
    form.set("question", "basics/q-tf", index=0)
    form.set("date", "2026-03-02", index=1)  # close_at's date and time: 18:00 in Shanghai
    form.set("time", "18:00", index=1)
    form.submit("submit", status=303)
    dbsession.rollback()
    quiz = dbsession.scalar(select(Quiz).where(Quiz.slug == "dated"))
    assert quiz.close_at.isoformat() == "2026-03-02T10:00:00+00:00" and quiz.open_at is None
    form = testapp.get("/quizzes/bank/quiz", {"slug": "dated"}).forms["quiz"]
    assert (form.get("date", index=1).value, form.get("time", index=1).value[:5]) == ("2026-03-02", "18:00")
    # The people taking it read the same zone.
    cell = next(td for td in testapp.get("/quizzes/").html.select("td") if "有期限的测验" in td.get_text())
    assert "2026-03-02 18:00 (Asia/Shanghai) 关闭" in cell.get_text()
