"""The trainer's and the manager's drill pages: team settings, leeches, fixes, hard items, the heat-map."""

import re

from cs_handbook.models.drill import DrillCard, DrillItem, DrillTeamSettings

from ...conftest import login
from ...factories import AccountFactory, PositionFactory, TeamFactory, make_team_manager
from ...factories_drill import DrillItemFactory, leech_card


def test_trainer_sets_a_teams_caps_through_its_form(testapp, dbsession, clock):
    team = TeamFactory(name="售后组")
    AccountFactory(username="coach", roles=["trainer"])
    login(testapp, "coach")
    page = testapp.get("/drill/manage").click(href=rf"/drill/manage/teams/{team.id}$")
    form = page.forms["drill-settings"]
    assert (form["new_per_day"].value, form["target_retention"].value, form["targeted_per_day"].value) == (
        "5", "0.9", "3")  # the defaults until a trainer sets them
    form["new_per_day"], form["reviews_per_day"] = "3", "15"
    form["target_retention"], form["targeted_per_day"] = "0.85", "2"
    page = form.submit("submit", status=303).follow()
    assert "已保存「售后组」的练习设置。" in page.text
    row = page.text.split(">售后组</th>")[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]+)</td>", row) == ["3", "15", "0.85", "2"]
    dbsession.rollback()  # end the test session's snapshot: see what the requests committed
    settings = dbsession.get(DrillTeamSettings, team.id)
    assert (settings.new_per_day, settings.reviews_per_day, settings.target_retention,
            settings.targeted_per_day) == (3, 15, 0.85, 2)


def test_bad_settings_come_back_on_their_fields_in_the_readers_language(testapp, dbsession, clock):
    team = TeamFactory()
    for language, not_a_number, too_big in (("zh_CN", "不是数字", "大于"), ("en", "is not a number", "greater than")):
        AccountFactory(username=f"coach{language[:2]}", roles=["trainer"], language=language)
        testapp.reset()
        login(testapp, f"coach{language[:2]}")
        form = testapp.get(f"/drill/manage/teams/{team.id}").forms["drill-settings"]
        form["new_per_day"], form["reviews_per_day"] = "abc", "²"
        form["target_retention"], form["targeted_per_day"] = "2", "nan"
        page = form.submit("submit", status=400)
        kept = page.forms["drill-settings"]
        assert (kept["new_per_day"].value, kept["target_retention"].value) == ("abc", "2")  # what was typed
        errors = {field: page.html.find(id=f"error-{kept[field].id}") for field in
                  ("new_per_day", "reviews_per_day", "target_retention", "targeted_per_day")}
        assert all(errors.values()), errors
        assert not_a_number in errors["new_per_day"].text and too_big in errors["target_retention"].text
        assert "new_per_day" not in page.html.find("form").text  # no raw field names
    dbsession.rollback()
    assert dbsession.get(DrillTeamSettings, team.id) is None  # nothing saved


def test_trainer_suspends_and_reactivates_items(testapp, dbsession, clock):
    AccountFactory(username="coach", roles=["trainer"])
    item = DrillItemFactory()
    login(testapp, "coach")
    token = testapp.get("/drill/manage").forms[0]["csrf_token"].value
    testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": "suspend"}, status=303)
    page = testapp.get("/drill/manage")
    assert "已暂停" in page.text.split('id="drill-attention"')[1]
    for bad in ("save", "delete", ""):
        testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": bad}, status=400)
    testapp.post("/drill/items/999999", {"csrf_token": token, "action": "suspend"}, status=404)
    dbsession.rollback()
    assert dbsession.get(DrillItem, item.id).status == "suspended"
    testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": "activate"}, status=303)
    dbsession.rollback()
    assert dbsession.get(DrillItem, item.id).status == "active"


def test_fixing_an_answer_brings_the_item_back_to_those_who_learned_it(testapp, dbsession, clock):
    from cs_handbook.services.drill import DrillService

    AccountFactory(username="coach", roles=["trainer"])
    learner = AccountFactory(username="driller", team=TeamFactory(), position=PositionFactory())
    item = DrillItemFactory(prompt="退货时限是几天？", answer={"value": 60}, payload={"unit": "天"},
                            status="needs-review")
    DrillItemFactory(prompt="另一道题")
    svc = DrillService(dbsession, clock)
    dbsession.get(DrillItem, item.id).status = "active"
    for entry in svc.queue(learner.id):
        svc.answer(learner.id, entry.id, {"value": "60"})  # learned the wrong figure, and "right"
    dbsession.get(DrillItem, item.id).status = "needs-review"
    dbsession.commit()
    login(testapp, "coach")
    manage = testapp.get("/drill/manage")
    row = manage.text.split('id="drill-attention"')[1].split("</section>")[0]
    edit = re.search(rf'href="([^"]*/drill/items/{item.id}/edit)"', row).group(1)
    form = testapp.get(edit).forms["drill-item"]
    assert (form["prompt"].value, form["answer"].value) == ("退货时限是几天？", "60")
    for field, bad, message in (("answer", "abc", "请输入数字。"), ("answer", "nan", "请输入数字。"),
                                ("prompt", "", "必需"), ("prompt", "x" * 2001, "2000")):
        form = testapp.get(edit).forms["drill-item"]
        form[field] = bad
        failed = form.submit("submit", status=400)
        assert message in failed.html.find(id=f"error-{form[field].id}").text
        assert failed.forms["drill-item"][field].value == bad  # what was typed is kept
    form = testapp.get(edit).forms["drill-item"]
    form["answer"] = "７"  # full-width
    page = form.submit("submit", status=303).follow()
    assert "已修改；学过这道题的人会重新练到它。" in page.text
    dbsession.rollback()
    fixed = dbsession.get(DrillItem, item.id)
    assert (fixed.answer, fixed.status) == ({"value": 7}, "active")
    card = dbsession.query(DrillCard).filter_by(item_id=item.id).one()
    assert card.source_changed and card.due <= clock.now()
    # The learner meets it again tomorrow, flagged as changed, and 7 is now right.
    clock.advance(days=1)
    testapp.reset()
    login(testapp, "driller")
    page = testapp.get("/drill/")
    assert "退货时限是几天？" in page.text and "这道题的内容自上次练习后有更新。" in page.text
    form = next(f for f in page.forms.values() if "entry_id" in f.fields)
    form["value"] = "7"
    assert "drill-feedback is-right" in form.submit().follow().text


def test_fixing_choice_and_order_items_keeps_to_their_choices(testapp, dbsession, clock):
    AccountFactory(username="coach", roles=["trainer"])
    pick = DrillItemFactory(kind="pick-phrase", prompt="问候", payload={"choices": ["您好", "喂", "干嘛"]},
                            answer={"value": "喂"})
    steps = DrillItemFactory(kind="order-steps", prompt="投诉处理", payload={"choices": ["记录", "受理", "回复"]},
                             answer={"order": ["记录", "受理", "回复"]})
    login(testapp, "coach")
    form = testapp.get(f"/drill/items/{pick.id}/edit").forms["drill-item"]
    assert [o[0] for o in form["answer"].options] == ["您好", "喂", "干嘛"]
    form["answer"].force_value("再见")  # not one of the choices
    form.submit("submit", status=400)
    form["answer"] = "您好"
    form.submit("submit", status=303)
    form = testapp.get(f"/drill/items/{steps.id}/edit").forms["drill-item"]
    assert form["answer"].value.splitlines() == ["记录", "受理", "回复"]
    form["answer"] = "受理\n记录\n答复"  # a step that is not one of the item's
    assert "同样的步骤" in form.submit("submit", status=400).text
    form["answer"] = "受理\n\n记录\n回复\n"
    form.submit("submit", status=303)
    dbsession.rollback()
    assert dbsession.get(DrillItem, pick.id).answer == {"value": "您好"}
    assert dbsession.get(DrillItem, steps.id).answer == {"order": ["受理", "记录", "回复"]}


def test_bank_items_are_fixed_in_the_question_bank(testapp, dbsession, clock):
    AccountFactory(username="coach", roles=["trainer"])
    item = DrillItemFactory(kind="bank-question", key="bank:basics/q-x")
    login(testapp, "coach")
    page = testapp.get(f"/drill/items/{item.id}/edit")
    assert "请在题库里修改" in page.text and "drill-item" not in page.forms
    token = page.forms[0]["csrf_token"].value if page.forms else testapp.get("/drill/manage").forms[0][
        "csrf_token"].value
    testapp.post(f"/drill/items/{item.id}/edit", {"csrf_token": token, "prompt": "改", "explanation": ""},
                 status=409)


def test_manager_sees_only_their_teams(testapp, dbsession, clock):
    from cs_handbook.services.drill import DrillService

    mine, other = TeamFactory(), TeamFactory()
    manager = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(manager, mine)
    alice = AccountFactory(display_name="甲员工", team=mine, position=PositionFactory())
    AccountFactory(display_name="乙外人", team=other, position=PositionFactory())
    DrillItemFactory(section="scripts")
    svc = DrillService(dbsession, clock)
    entry = svc.queue(alice.id)[0]
    svc.answer(alice.id, entry.id, {"value": "60"})
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/drill/heatmap")
    assert "甲员工" in page.text and "乙外人" not in page.text
    assert "100% (1)" in page.text and "heat-5" in page.text


def test_trainer_hears_of_a_leech_and_sees_it_listed(testapp, dbsession, clock):
    from cs_handbook.services.drill import DrillService

    AccountFactory(username="coach", roles=["trainer"])
    learner = AccountFactory(display_name="小李", team=TeamFactory(), position=PositionFactory())
    DrillItemFactory(prompt="退货时限是几天？")
    svc = DrillService(dbsession, clock, leech_link="/drill/manage")
    for _ in range(9):
        for entry in svc.queue(learner.id):
            svc.answer(learner.id, entry.id, {"value": "1"})
        clock.advance(days=1)
    dbsession.commit()
    login(testapp, "coach")
    notices = testapp.get("/account/notices")
    assert "小李 反复答错一道练习题（已遗忘 8 次）：退货时限是几天？" in notices.text
    assert 'href="/drill/manage"' in notices.text
    manage = testapp.get("/drill/manage")
    leeches = manage.text.split('id="drill-leeches"')[1].split("</section>")[0]
    assert "小李" in leeches and "退货时限是几天？" in leeches and "<td>8</td>" in leeches


def _nav(page) -> str:
    return page.text.split('class="site-nav"')[1].split("</nav>")[0]


def test_trainer_and_manager_reach_their_drill_pages_from_the_navigation(testapp, dbsession, clock):
    AccountFactory(username="coach", roles=["trainer"])
    boss = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(boss, TeamFactory())
    AccountFactory(username="driller", team=TeamFactory(), position=PositionFactory())
    login(testapp, "coach")
    home = testapp.get("/")
    assert "/drill/heatmap" not in _nav(home)
    manage = home.click(href=r"/drill/manage$")
    assert "<h1>每日一练设置</h1>" in manage.text
    testapp.reset()
    login(testapp, "boss")
    home = testapp.get("/")
    assert "/drill/manage" not in _nav(home)
    heatmap = home.click(href=r"/drill/heatmap$")
    assert "<h1>每日一练记忆热力图</h1>" in heatmap.text
    testapp.reset()
    login(testapp, "driller")
    nav = _nav(testapp.get("/"))
    assert "/drill/" in nav and "/drill/manage" not in nav and "/drill/heatmap" not in nav


def test_leeches_by_team_a_page_at_a_time_and_brought_back(testapp, dbsession, clock):
    from cs_handbook.services.drill_reports import LEECHES_PER_PAGE

    AccountFactory(username="coach", roles=["trainer"])
    red, blue = TeamFactory(name="红队"), TeamFactory(name="蓝队")
    ming = AccountFactory(display_name="小明", team=red, position=PositionFactory())
    hong = AccountFactory(display_name="小红", team=blue, position=PositionFactory())
    cards = [leech_card(dbsession, ming, DrillItemFactory(prompt=f"红队题{i}"), lapses=8 + i)
             for i in range(LEECHES_PER_PAGE + 1)]
    leech_card(dbsession, hong, DrillItemFactory(prompt="蓝队题"))
    dbsession.commit()
    login(testapp, "coach")

    def leeches(page):
        return page.text.split('id="drill-leeches"')[1].split("</section>")[0]

    everyone = leeches(testapp.get("/drill/manage"))
    assert "第 1 页，共 2 页" in everyone and "蓝队题" not in everyone  # fewest lapses last: on page 2
    second = leeches(testapp.get("/drill/manage?page=2"))
    assert "蓝队题" in second and "小红" in second
    assert "蓝队题" in leeches(testapp.get("/drill/manage?page=9"))  # past the end: the last page
    blue_only = leeches(testapp.get(f"/drill/manage?team={blue.id}"))
    assert "蓝队题" in blue_only and "红队题" not in blue_only and "共 2 页" not in blue_only
    for bad in ("abc", "²", "0", "9" * 25, "999999"):
        testapp.get("/drill/manage", {"team": bad}, status=400)
        if bad != "999999":
            testapp.get("/drill/manage", {"page": bad}, status=400)

    # The red team's list: the most-lapsed card first, with a button that brings it back.
    page = testapp.get(f"/drill/manage?team={red.id}")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/drill/cards/{cards[-1].id}/reset"))
    page = form.submit().follow()
    assert "小明 将重新练到这道题。" in page.text
    assert f"红队题{LEECHES_PER_PAGE}" not in leeches(page)
    assert f'<option value="{red.id}" selected>' in page.text  # still filtered to the red team
    form.submit(status=409)  # not a leech any more
    dbsession.rollback()
    card = dbsession.get(DrillCard, cards[-1].id)
    assert (card.leech, card.lapses) == (False, 0)


def test_manage_page_lists_items_everyone_fails_and_items_needing_review(testapp, dbsession, clock):
    from cs_handbook.services.drill import DrillService

    AccountFactory(username="coach", roles=["trainer"])
    people = [AccountFactory(team=TeamFactory(), position=PositionFactory()) for _ in range(3)]
    hard = DrillItemFactory(prompt="退货时限是几天？", source_title="售后制度")
    easy = DrillItemFactory(prompt="投诉升级时限")
    DrillItemFactory(prompt="暂停的题", status="suspended")
    DrillItemFactory(prompt="来源已删的题", status="needs-review")
    svc = DrillService(dbsession, clock)
    for who in people:
        for entry in svc.queue(who.id):
            svc.answer(who.id, entry.id, {"value": "1" if entry.card.item_id == hard.id else "60"})
    dbsession.commit()
    login(testapp, "coach")
    page = testapp.get("/drill/manage")
    hardest = page.text.split('id="drill-hard"')[1].split("</section>")[0]
    assert "退货时限是几天？" in hardest and "售后制度" in hardest and "100%" in hardest
    assert "<td>3</td>" in hardest  # three people
    assert easy.prompt not in hardest  # everyone got it right
    attention = page.text.split('id="drill-attention"')[1].split("</section>")[0]
    rows = dict(re.findall(r"<tr><td>([^<]+?) <span[^>]*>[^<]*</span></td>\s*<td>([^<]+)</td>", attention))
    assert rows == {"暂停的题": "已暂停", "来源已删的题": "待复核"}


def test_heatmap_shows_predicted_recall_per_handbook_section_title(testapp, dbsession, clock):
    from datetime import timedelta

    from fsrs import Card, Scheduler, State

    from cs_handbook.models.documents import DocumentSection

    from ...factories_documents import make_document

    team = TeamFactory()
    boss = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(boss, team)
    alice = AccountFactory(display_name="甲员工", team=team, position=PositionFactory())
    basics = DocumentSection(path="handbook/basics", title="服务基础", order=10)
    rules = DocumentSection(path="policies", title="部门制度", order=20)
    dbsession.add_all([basics, rules])
    dbsession.flush()
    # A policy filed under the basics section counts there, whatever its folder.
    make_document("policies/filed-elsewhere", title="放在基础里的制度").section_id = basics.id
    now = clock.now()
    cards = [("handbook/basics/a", "handbook/basics", 10.0, 5), ("policies/filed-elsewhere", "policies", 3.0, 9),
             ("policies/x", "policies", 20.0, 1), ("scripts/y", "scripts", 2.0, 2)]
    for slug, folder, stability, days_ago in cards:
        item = DrillItemFactory(source_slug=slug, section=folder)
        dbsession.add(DrillCard(account_id=alice.id, item_id=item.id, state=2, stability=stability, difficulty=5.0,
                                due=now, last_review=now - timedelta(days=days_ago, hours=3), reps=1, lapses=0,
                                leech=False, source_changed=False, created_at=now))
    unseen = DrillItemFactory(section="policies")  # never reviewed: no prediction
    dbsession.add(DrillCard(account_id=alice.id, item_id=unseen.id, state=1, step=0, due=now, reps=0, lapses=0,
                            leech=False, source_changed=False, created_at=now))
    dbsession.commit()

    fsrs = Scheduler()

    def recall(*picked):
        values = [fsrs.get_card_retrievability(Card(card_id=1, state=State.Review, stability=s, difficulty=5.0,
                                                    last_review=now - timedelta(days=d, hours=3)), now)
                  for _slug, _folder, s, d in picked]
        return f"{round(100 * sum(values) / len(values))}% ({len(values)})"

    login(testapp, "boss")
    page = testapp.get("/drill/heatmap")
    head = re.findall(r'<th scope="col">([^<]+)</th>', page.text)
    assert head == ["人员", "服务基础", "部门制度", "scripts"]  # section titles in the sections' order
    row = page.text.split(">甲员工</th>")[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>([^<]+)</td>", row) == [recall(cards[0], cards[1]), recall(cards[2]),
                                                          recall(cards[3])]
