"""Today's drill through the app: a day as plain forms, feedback and its links, refusals, the home panel."""

import re
from datetime import UTC, datetime

from cs_handbook.models.drill import DrillCard, DrillItem

from ...conftest import login
from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import DrillItemFactory


def _staff():
    return AccountFactory(username="driller", team=TeamFactory(), position=PositionFactory())


def test_a_day_of_drill_with_feedback_and_streak(testapp, dbsession, clock):
    _staff()
    DrillItemFactory(prompt="首次响应时限")
    DrillItemFactory(kind="order-steps", prompt="投诉处理流程", payload={"choices": ["受理", "记录"]},
                     answer={"order": ["记录", "受理"]}, explanation="正确顺序：记录 → 受理")
    login(testapp, "driller")
    home = testapp.get("/")
    assert "2" in home.text and "/drill/" in home.text
    page = testapp.get("/drill/")
    assert "首次响应时限" in page.text
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    form["value"] = "６０秒"  # full-width digits and the unit are accepted
    page = form.submit().follow()
    assert "drill-feedback is-right" in page.text and "首次响应时限：60秒" in page.text
    assert re.search(r'class="drill-streak">[^<]*\b1\b', page.text)
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    entry_id = form["entry_id"].value
    form["step_0"], form["step_1"] = "受理", "记录"  # wrong order
    page = form.submit().follow()
    assert "is-wrong" in page.text and "记录 → 受理" in page.text
    assert 'name="entry_id"' not in page.text  # the day's drill is done
    # Answering again is refused and changes nothing.
    token = page.forms[0]["csrf_token"].value
    reps = dbsession.query(DrillCard.reps).all()
    testapp.post("/drill/answer", {"csrf_token": token, "entry_id": entry_id, "step_0": "记录", "step_1": "受理"},
                 status=409)
    testapp.post("/drill/answer", {"csrf_token": token, "entry_id": "x"}, status=400)
    testapp.post("/drill/answer", {"csrf_token": token, "entry_id": entry_id, "confidence": "maybe",
                                   "value": "1"}, status=400)
    dbsession.rollback()
    assert dbsession.query(DrillCard.reps).all() == reps


def test_another_persons_entry_is_refused(testapp, dbsession, clock):
    from cs_handbook.services.drill import DrillService

    owner = AccountFactory(team=TeamFactory(), position=PositionFactory())
    _staff()
    DrillItemFactory()
    entry = DrillService(dbsession, clock).queue(owner.id)[0]
    dbsession.commit()
    login(testapp, "driller")
    token = testapp.get("/drill/").forms[0]["csrf_token"].value
    testapp.post("/drill/answer", {"csrf_token": token, "entry_id": str(entry.id), "value": "60"}, status=403)
    dbsession.rollback()
    assert dbsession.get(DrillCard, entry.card_id).reps == 0


def test_a_bank_question_through_the_page(testapp, dbsession, clock):
    from ...factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-multiple"])
    _staff()
    login(testapp, "driller")
    page = testapp.get("/drill/")
    assert "哪些是礼貌用语？" in page.text and 'type="checkbox"' in page.text
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    # Boxes carry the question's own option numbers, whatever order they are shown in.
    assert sorted(box._value for box in form.fields["choice"]) == ["0", "1", "2"]
    for box in form.fields["choice"]:
        box.checked = box._value == "0"  # 您好 only: half right
    page = form.submit().follow()
    assert "is-wrong" in page.text and "因为……" in page.text
    assert re.search(r'class="drill-answer">[^<]*您好；请稍等', page.text)
    testapp.post("/drill/answer", {"csrf_token": form["csrf_token"].value, "entry_id": form["entry_id"].value,
                                   "choice": "0"}, status=409)


def test_home_panel_reads_the_day_without_building_it(testapp, dbsession, clock):
    _staff()
    DrillItemFactory(prompt="首次响应时限")
    login(testapp, "driller")
    assert "今天的练习已经准备好了" in testapp.get("/").text
    dbsession.rollback()
    assert dbsession.query(DrillCard).count() == 0  # the home page built nothing
    page = testapp.get("/drill/")
    assert "今天有 1 道题待练" in testapp.get("/").text
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    form["value"] = "60"
    form.submit()
    assert "今天的练习已完成" in testapp.get("/").text


def test_next_due_day_is_the_teams_local_day(testapp, dbsession, clock):
    # 07:30 on 2 March in Shanghai is still 1 March in UTC; a wrong answer is due 24 hours later,
    # 07:30 on 3 March local time, which the page must call 3 March, not the UTC date (2 March, today).
    clock.set(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    AccountFactory(username="driller", team=TeamFactory(timezone="Asia/Shanghai"), position=PositionFactory())
    DrillItemFactory()
    login(testapp, "driller")
    form = next(f for f in testapp.get("/drill/").forms.values() if "entry_id" in f.fields)
    form["value"] = "1"
    done = form.submit().follow().text.split('class="drill-done"')[1].split("</section>")[0]
    assert "下次练习日期：2026-03-03。" in done


def test_ids_that_are_no_ids_are_refused_without_harm(testapp, dbsession, clock):
    _staff()
    DrillItemFactory(prompt="首次响应时限")
    login(testapp, "driller")
    page = testapp.get("/drill/")
    token = page.forms[0]["csrf_token"].value
    for bad in ("9" * 25, "²", "١٢", "0", "-1", " 1"):
        # A feedback link with a broken id shows the day's drill without feedback.
        assert "首次响应时限" in testapp.get("/drill/", {"done": bad}).text
        refused = testapp.post("/drill/answer", {"csrf_token": token, "entry_id": bad, "value": "60"}, status=400)
        assert "这道题不在今天的练习中。" in refused.text
    dbsession.rollback()
    assert dbsession.query(DrillCard.reps).all() == [(0,)]
    # A field named like a step with a digit int() cannot read is not a step: the value answers.
    entry_id = next(f for f in page.forms.values() if "entry_id" in f.fields)["entry_id"].value
    testapp.post("/drill/answer", {"csrf_token": token, "entry_id": entry_id, "step_²": "x", "value": "60"},
                 status=303)
    dbsession.rollback()
    assert dbsession.query(DrillCard.reps).all() == [(1,)]


def test_items_gone_since_the_morning_do_not_block_the_day(testapp, dbsession, clock):
    from cs_handbook.services.quizzes_bank import BankService

    from ...factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-single"])
    _staff()
    suspended = DrillItemFactory(prompt="暂停的题")
    DrillItemFactory(prompt="之后的题")
    dbsession.commit()
    login(testapp, "driller")
    page = testapp.get("/drill/")
    assert "已完成 0 / 3" in page.text
    bank_entry = next(f for f in page.forms.values() if "entry_id" in f.fields)["entry_id"].value
    # The question is deleted from the bank and a trainer suspends an item, after the day was built.
    bank = BankService(dbsession, clock)
    bank.delete(bank.question("basics/q-single"))
    dbsession.get(DrillItem, suspended.id).status = "suspended"
    dbsession.commit()
    page = testapp.get("/drill/")
    assert re.search(r'id="drill-prompt">之后的题<', page.text) and "已完成 0 / 1" in page.text
    assert "今天有 1 道题待练" in testapp.get("/").text
    token = page.forms[0]["csrf_token"].value
    refused = testapp.post("/drill/answer", {"csrf_token": token, "entry_id": bank_entry, "value": "0"}, status=409)
    assert "这道题已不再使用。" in refused.text
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    form["value"] = "60"
    page = form.submit().follow()
    assert "今天的练习已完成。" in page.text and "已完成 1 / 1" in page.text
    assert "今天的练习已完成" in testapp.get("/").text


def _source_link(testapp, value, source_title):
    """Answer today's item with `value`; the feedback's link to its source document."""
    form = next(f for f in testapp.get("/drill/").forms.values() if "entry_id" in f.fields)
    form["value"] = value
    feedback = form.submit().follow().text.split('class="drill-feedback')[1].split("</section>")[0]
    return re.search(rf'<a href="([^"]+)">{re.escape(source_title)}</a>', feedback).group(1)


def test_feedback_links_to_the_source_document(testapp, dbsession, clock):
    from ...factories_documents import make_document

    _staff()
    make_document("policies/response-and-standard-scripts", title="60秒响应与统一话术",
                  body="顾客发来消息后60秒内必须响应。")
    DrillItemFactory(prompt="首次响应时限", source_slug="policies/response-and-standard-scripts",
                     source_title="60秒响应与统一话术", source_anchor="fact:first-response")
    login(testapp, "driller")
    link = _source_link(testapp, "60", "60秒响应与统一话术")
    assert "60秒内必须响应" in testapp.get(link).text  # the staff member can open it


def _generated(dbsession, clock, *wanted):
    """Only these generated items of the real content (kind, slug) on the site; returns their specs."""
    from pathlib import Path

    from cs_handbook.services.drill import DrillService
    from cs_handbook.services.drill_generate import generate, load_folder

    docs = load_folder(Path(__file__).resolve().parents[3] / "policies")
    specs = {(s.kind, s.source_slug): s for s in generate(docs)}
    chosen = [specs[w] for w in wanted]
    DrillService(dbsession, clock).regenerate(chosen, {s.source_slug for s in chosen})
    dbsession.commit()
    return chosen


def test_a_matching_item_and_the_pages_own_words_around_generated_items(testapp, dbsession, clock):
    match, forbidden = _generated(dbsession, clock, ("match-duties", "roles/cs-agent"),
                                  ("spot-forbidden", "scripts/forbidden-wording"))
    for language, duty_line, banned_line in (
            ("zh_CN", "把每项职责和它所属的岗位对应起来", "「{}」是禁用语。"),
            ("en", "Match each duty with its position", "“{}” is a forbidden phrase.")):
        AccountFactory(username=f"agent{language[:2]}", language=language, team=TeamFactory(),
                       position=PositionFactory(code="cs-agent"))
        testapp.reset()
        login(testapp, f"agent{language[:2]}")
        page = testapp.get("/drill/")
        assert duty_line in page.text
        form = next(f for f in page.forms.values() if "entry_id" in f.fields)
        assert [form[f"match_{i}"].options[1:] for i in range(4)] == [
            [(r, False, r) for r in match.payload["choices"]]] * 4
        for i in range(4):  # the first two swapped: wrong
            form[f"match_{i}"] = match.answer["match"][{0: 1, 1: 0}.get(i, i)]
        page = form.submit().follow()
        answer = page.text.split('class="drill-answer">')[1].split("</p>")[0]
        assert "is-wrong" in page.text
        assert all(f"{d} → {r}" in answer for d, r in zip(match.payload["duties"], match.answer["match"],
                                                           strict=True))
        form = next(f for f in page.forms.values() if "entry_id" in f.fields)
        form["value"] = forbidden.answer["value"]
        page = form.submit().follow()
        feedback = page.text.split('class="drill-feedback')[1].split("</section>")[0]
        assert banned_line.format(forbidden.answer["value"]) in feedback
        assert forbidden.explanation in feedback  # the script set's note


def test_feedback_links_to_the_paragraph_of_a_duty_or_situation(testapp, dbsession, clock):
    from ...factories_documents import make_document

    _staff()
    make_document("scripts/zz-words", title="服务禁用语", body="正文", data={"situations": [
        {"key": "forbidden", "title": "推诿类禁用语", "manner": "绝不使用",
         "phrases": [{"text": "不知道", "forbidden": True, "note": "顾客得不到帮助"}, {"text": "我帮您查一下"}]}]})
    DrillItemFactory(kind="spot-forbidden", prompt="推诿类禁用语", source_slug="scripts/zz-words",
                     source_anchor="situation:forbidden", source_title="服务禁用语",
                     payload={"choices": ["我帮您查一下", "不知道"]}, answer={"value": "不知道"})
    login(testapp, "driller")
    url, fragment = _source_link(testapp, "不知道", "服务禁用语").split("#")
    assert fragment == "situation-forbidden"
    assert f'id="{fragment}">推诿类禁用语</h2>' in testapp.get(url).text  # the paragraph it points to


def test_feedback_of_a_duty_links_to_that_duty_on_the_role_profile(testapp, dbsession, clock):
    from ...factories_documents import make_document

    staff = _staff()
    slug = f"roles/{staff.position.code}"  # the drill draws only the person's own role profile
    make_document(slug, title="前台客服岗位职责", body="正文",
                  data={"position": staff.position.code, "duties": ["受理咨询", "记录工单", "回访客户"]})
    DrillItemFactory(kind="match-duty-role", prompt="记录工单", source_slug=slug, source_kind="role",
                     source_anchor="duty:2", source_title="前台客服岗位职责",
                     payload={"choices": ["前台客服", "质检员"], "number": 2}, answer={"value": "前台客服"})
    login(testapp, "driller")
    url, fragment = _source_link(testapp, "前台客服", "前台客服岗位职责").split("#")
    assert fragment == "duty-2"
    assert f'<li id="{fragment}">记录工单</li>' in testapp.get(url).text  # the duty it is about
