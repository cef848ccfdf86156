"""The drill pages through the app: a day's drill as plain forms, refusals, trainer fixes, the heat-map."""

import re

from cs_handbook.models.drill import DrillCard, DrillItem, DrillTeamSettings

from ...conftest import login
from ...factories import AccountFactory, PositionFactory, TeamFactory, make_team_manager
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


def test_trainer_sets_caps_and_fixes_items(testapp, dbsession, clock):
    team = TeamFactory()
    AccountFactory(username="coach", roles=["trainer"])
    item = DrillItemFactory()
    login(testapp, "coach")
    page = testapp.get("/drill/manage")
    token = page.forms[0]["csrf_token"].value
    testapp.post(f"/drill/manage/teams/{team.id}", {"csrf_token": token, "new_per_day": "3",
                                                   "reviews_per_day": "15", "target_retention": "0.85"}, status=303)
    testapp.post(f"/drill/manage/teams/{team.id}", {"csrf_token": token, "new_per_day": "3",
                                                   "reviews_per_day": "15", "target_retention": "2"}, status=400)
    testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": "suspend"}, status=303)
    testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": "save", "prompt": ""}, status=400)
    testapp.post(f"/drill/items/{item.id}", {"csrf_token": token, "action": "save", "prompt": "新题目",
                                             "explanation": "新解释"}, status=303)
    testapp.post("/drill/items/999999", {"csrf_token": token, "action": "suspend"}, status=404)
    dbsession.rollback()  # end the test session's snapshot: see what the requests committed
    settings = dbsession.get(DrillTeamSettings, team.id)
    assert (settings.new_per_day, settings.reviews_per_day, settings.target_retention) == (3, 15, 0.85)
    fixed = dbsession.get(DrillItem, item.id)
    assert (fixed.prompt, fixed.status) == ("新题目", "active")


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
