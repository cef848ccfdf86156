"""The question editor's fields per type, its refusals (naming the field), archive and delete."""

import re

import pytest
from sqlalchemy import func, select

from cs_handbook.models.quizzes import Attempt, AttemptQuestion, Question, QuestionVersion
from cs_handbook.services.quizzes import AttemptService
from cs_handbook.services.quizzes_bank import BankService
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_bank, make_quiz


def _trainer(testapp):
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "trainer")


def _body(token, key, qtype, text="题目", options=(), answer="", answers=(), items=(), pairs=(), rubric=""):
    """The editor's POST as a browser sends it (deform's markers around sequences)."""
    out = [("csrf_token", token), ("category", "basics"), ("key", key), ("type", qtype), ("text", text),
           ("source", "policies/x"), ("tags", "新, 标签"), ("points", "2"), ("explanation", "解析"),
           ("__start__", "options:sequence")]
    for option_text, correct, feedback in options:
        out += [("__start__", "option:mapping"), ("text", option_text), *([("correct", "true")] if correct else []),
                ("feedback", feedback), ("__end__", "option:mapping")]
    out += [("__end__", "options:sequence"), ("answer", answer), ("__start__", "answers:sequence"),
            *[("accepted", a) for a in answers], ("__end__", "answers:sequence"), ("__start__", "items:sequence"),
            *[("step", s) for s in items], ("__end__", "items:sequence"), ("__start__", "pairs:sequence")]
    for left, right in pairs:
        out += [("__start__", "pair:mapping"), ("left", left), ("right", right), ("__end__", "pair:mapping")]
    return out + [("__end__", "pairs:sequence"), ("rubric", rubric), ("submit", "submit")]


def _token(testapp):
    return testapp.get("/quizzes/bank/new").forms["question"]["csrf_token"].value


def _data(dbsession, key):
    dbsession.rollback()
    question = dbsession.scalar(select(Question).where(Question.key == key))
    return question, question.current


CASES = {
    "single": ({"options": [("对", True, "正是如此"), ("", False, ""), ("错", False, "")]},
               {"options": [{"text": "对", "correct": True, "feedback": "正是如此"}, {"text": "错"}]}),
    "multiple": ({"options": [("甲", True, ""), ("乙", True, ""), ("丙", False, "不对")]},
                 {"options": [{"text": "甲", "correct": True}, {"text": "乙", "correct": True},
                              {"text": "丙", "feedback": "不对"}]}),
    "truefalse": ({"answer": "false"}, {"answer": False}),
    "short": ({"answers": ["60秒", " ", "一分钟"]}, {"answers": ["60秒", "一分钟"]}),
    "ordering": ({"items": ["记录", "受理", "", "反馈"]}, {"items": ["记录", "受理", "反馈"]}),
    "matching": ({"pairs": [("受理投诉", "投诉受理人员"), ("", ""), ("受理订单", "订单受理人员"),
                            ("", "售后技术人员")]},
                 {"pairs": [{"left": "受理投诉", "right": "投诉受理人员"},
                            {"left": "受理订单", "right": "订单受理人员"}],
                  "distractors": ["售后技术人员"]}),
    "essay": ({"rubric": "三点各 1 分"}, {"rubric": "三点各 1 分"}),
}


@pytest.mark.parametrize("qtype", list(CASES))
def test_each_type_saved_from_its_fields(testapp, dbsession, clock, qtype):
    make_bank(dbsession, keys=["q-tf"])
    _trainer(testapp)
    fields, expected = CASES[qtype]
    # The other types' fields are filled too: only the chosen type's count.
    noise = {"answers": ["无关"], "items": ["无关"], "rubric": "无关"}
    testapp.post("/quizzes/bank/new", _body(_token(testapp), f"new-{qtype}", qtype, **{**noise, **fields}),
                 status=303)
    question, version = _data(dbsession, f"new-{qtype}")
    assert version.type == qtype and version.data == expected
    assert (version.points, version.explanation, question.tags) == (2.0, "解析", ["新", "标签"])


def test_editor_round_trip_keeps_the_version_and_blank_rows_add_options(testapp, dbsession, clock):
    make_bank(dbsession)
    _trainer(testapp)
    page = testapp.get("/quizzes/bank/new", {"q": "basics/q-multiple"})
    page.forms["question"].submit("submit", status=303)
    question, version = _data(dbsession, "q-multiple")
    assert question.current_number == 1  # saved unchanged: no new version
    form = testapp.get("/quizzes/bank/new", {"q": "basics/q-multiple"}).forms["question"]
    # Texts: the question's, then the three options, then blank rows to fill without the script.
    assert [f.value for f in form.fields["text"]][:5] == ["哪些是礼貌用语？", "您好", "请稍等", "干嘛", ""]
    form.set("text", "谢谢", index=4)
    form.get("correct", index=3).checked = True
    form.submit("submit", status=303)
    question, version = _data(dbsession, "q-multiple")
    assert question.current_number == 2
    assert version.data["options"][-1] == {"text": "谢谢", "correct": True}
    assert dbsession.get(QuestionVersion, question.versions[0].id).data["options"][-1] == {"text": "干嘛"}


BAD = [
    ("single", {"options": [("只有一个", True, "")]}, "options", "至少"),
    ("single", {"options": [("甲", True, ""), ("乙", True, "")]}, "options", "正确"),
    ("single", {"options": [("甲", True, ""), ("", True, "")]}, "options", "选项"),
    ("truefalse", {}, "answer", "判断"),
    ("short", {"answers": [" "]}, "answers", "答案"),
    ("ordering", {"items": ["唯一一步"]}, "items", "两"),
    ("matching", {"pairs": [("甲", "乙"), ("丙", "")]}, "pairs", "两边"),
    ("single", {"options": [("甲\x0b丁", True, ""), ("乙", False, "")]}, "options", "控制字符"),
    ("essay", {"rubric": "评分\x1b要点"}, "rubric", "控制字符"),
]


@pytest.mark.parametrize("qtype,fields,field,word", BAD)
def test_bad_fields_refused_on_the_field_and_nothing_saved(testapp, dbsession, clock, qtype, fields, field, word):
    make_bank(dbsession, keys=["q-tf"])
    _trainer(testapp)
    page = testapp.post("/quizzes/bank/new", _body(_token(testapp), "bad-one", qtype, **fields), status=400)
    # The message sits in the field's own block of the form.
    block = page.html.select_one(f"form#question > fieldset > .item-{field}")
    assert block is not None and word in block.get_text()
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(Question).where(Question.key == "bad-one")) == 0


def test_bad_common_fields_refused(testapp, dbsession, clock):
    make_bank(dbsession, keys=["q-tf"])
    _trainer(testapp)
    token = _token(testapp)
    page = testapp.post("/quizzes/bank/new", _body(token, "bad one", "truefalse", answer="true"), status=400)
    assert "只能使用字母" in page.html.select_one("form#question > fieldset > .item-key").get_text()
    body = [(k, "坏" if k == "type" else v) for k, v in _body(token, "bad-type", "truefalse", answer="true")]
    testapp.post("/quizzes/bank/new", body, status=400)
    body = [(k, "不存在" if k == "category" else v) for k, v in _body(token, "bad-cat", "truefalse", answer="true")]
    testapp.post("/quizzes/bank/new", body, status=400)
    testapp.post("/quizzes/bank/new", [(k, v) for k, v in _body(token, "x", "truefalse") if k != "csrf_token"],
                 status=400)
    page = testapp.post("/quizzes/bank/new", _body(token, "ctl", "truefalse", text="对\x07吗", answer="true"),
                        status=400)
    assert "控制字符" in page.html.select_one("form#question > fieldset > .item-text").get_text()
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(Question)) == 1


def test_key_fix_refuses_a_bad_key_on_its_field(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    attempt = AttemptService(dbsession, clock).start(quiz, AccountFactory().id)
    dbsession.commit()
    _trainer(testapp)
    form = testapp.get(f"/quizzes/bank/versions/{attempt.questions[0].version_id}/key").forms["key"]
    form.get("correct", index=1).checked = True  # two correct options on a single-choice question
    page = form.submit("submit", status=400)
    assert "正确" in page.html.select_one("form#key > fieldset > .item-options").get_text()


def test_archive_hides_from_new_attempts_and_quizzes_and_keeps_old_ones(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], random=[("basics", 5)])
    old = AttemptService(dbsession, clock).start(quiz, AccountFactory().id)
    dbsession.commit()
    shown = {q.version.question.key for q in old.questions}
    assert "q-single" in shown and "q-tf" in shown
    _trainer(testapp)
    bank = testapp.get("/quizzes/bank")
    question = BankService(dbsession, clock).question("basics/q-tf")
    form = next(f for f in bank.forms.values() if f.action.endswith(f"/questions/{question.id}/archive"))
    form.submit("action", value="archive", status=303)
    testapp.post(f"/quizzes/bank/questions/{question.id}/archive", {"action": "archive"}, status=400)  # no token
    dbsession.rollback()
    dbsession.expire_all()
    assert question.archived_at is not None
    new = AttemptService(dbsession, clock).start(quiz, AccountFactory().id)
    dbsession.commit()
    assert "q-tf" not in {q.version.question.key for q in new.questions}
    # The old attempt keeps it, with its version.
    assert "q-tf" in {q.version.question.key for q in dbsession.get(Attempt, old.id).questions}
    # It cannot be added to another quiz.
    form = testapp.get("/quizzes/bank/quiz").forms["quiz"]
    form["slug"], form["title"] = "another", "另一个"
    form.set("question", "basics/q-tf", index=0)
    form["grading"] = "highest"
    assert "已归档" in form.submit("submit", status=400).text
    assert "已归档" in testapp.get("/quizzes/bank").text
    form = next(f for f in testapp.get("/quizzes/bank").forms.values()
                if f.action.endswith(f"/questions/{question.id}/archive"))
    form.submit("action", value="restore", status=303)
    dbsession.rollback()
    dbsession.expire_all()
    assert question.archived_at is None


def test_delete_only_unused_questions_after_confirmation(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    attempt = AttemptService(dbsession, clock).start(quiz, AccountFactory().id)
    dbsession.commit()
    bank = BankService(dbsession, clock)
    used, in_quiz_only, free = (bank.question(f"basics/{k}").id for k in ("q-single", "q-essay", "q-tf"))
    bank.save_quiz("holder", {"title": "占用", "description": "", "pass_mark": 80.0, "time_limit_minutes": None,
                              "attempts_allowed": 0, "grading": "highest", "shuffle_questions": False,
                              "shuffle_options": False, "one_per_page": False, "review": "after_submit",
                              "open_at": None, "close_at": None}, ["basics/q-essay"], [])
    dbsession.commit()
    _trainer(testapp)
    page = testapp.get(f"/quizzes/bank/questions/{used}/delete")
    assert "归档" in page.text and "delete" not in page.forms
    page = testapp.get(f"/quizzes/bank/questions/{in_quiz_only}/delete")
    assert "占用" in page.text and "delete" not in page.forms
    token = testapp.get(f"/quizzes/bank/questions/{free}/delete").forms["delete"]["csrf_token"].value
    # Refused whatever the page showed: the used one and the one a quiz names stay.
    testapp.post(f"/quizzes/bank/questions/{used}/delete", {"csrf_token": token}, status=409)
    testapp.post(f"/quizzes/bank/questions/{in_quiz_only}/delete", {"csrf_token": token}, status=409)
    testapp.post(f"/quizzes/bank/questions/{free}/delete", {}, status=400)  # no CSRF token
    testapp.get(f"/quizzes/bank/questions/{free}/delete").forms["delete"].submit("submit", status=303)
    testapp.get("/quizzes/bank/questions/999999/delete", status=404)
    dbsession.rollback()
    keys = set(dbsession.scalars(select(Question.key)))
    assert "q-tf" not in keys and {"q-single", "q-essay"} <= keys
    assert dbsession.scalar(select(func.count()).select_from(QuestionVersion)
                            .where(QuestionVersion.question_id == free)) == 0
    assert dbsession.scalar(select(func.count()).select_from(AttemptQuestion)
                            .where(AttemptQuestion.attempt_id == attempt.id)) == 1
    assert re.search("q-tf", testapp.get("/quizzes/bank").text) is None
