"""Access-matrix rows of the drill's routes (cs_handbook/views/drill)."""

from . import Row, only, signed_in

TRAINERS = ("trainer", "admin")


def _team(dbsession, people):
    return {"team_id": people["team"].id}


def _item(dbsession, people):
    from tests.factories_drill import DrillItemFactory

    return {"item_id": DrillItemFactory().id}


def _leech(dbsession, people):
    from tests.factories_drill import leech_card

    return {"card_id": leech_card(dbsession, people["outsider"]).id}


ROWS = [
    Row("drill.today", "GET", "/drill/", signed_in(200)),
    # An entry that is nobody's today: refused for everyone, nothing changes.
    Row("drill.answer", "POST", "/drill/answer", signed_in(404), data={"entry_id": "999999", "value": "60"}),
    Row("drill.manage", "GET", "/drill/manage", only(200, *TRAINERS)),
    Row("drill.team_settings", "GET", "/drill/manage/teams/{team_id}", only(200, *TRAINERS), setup=_team),
    Row("drill.team_settings", "POST", "/drill/manage/teams/{team_id}", only(303, *TRAINERS), setup=_team,
        data={"new_per_day": "6", "reviews_per_day": "30", "target_retention": "0.9", "targeted_per_day": "2"}),
    Row("drill.item_update", "POST", "/drill/items/{item_id}", only(303, *TRAINERS), setup=_item,
        data={"action": "suspend"}),
    Row("drill.item_edit", "GET", "/drill/items/{item_id}/edit", only(200, *TRAINERS), setup=_item),
    Row("drill.item_edit", "POST", "/drill/items/{item_id}/edit", only(303, *TRAINERS), setup=_item,
        data={"prompt": "首次响应时限", "explanation": "", "answer": "60"}),
    Row("drill.manage", "GET", "/drill/manage?team=999999999", only(400, *TRAINERS)),
    Row("drill.card_reset", "POST", "/drill/cards/{card_id}/reset", only(303, *TRAINERS), setup=_leech),
    Row("drill.heatmap", "GET", "/drill/heatmap", only(200, "manager", "admin")),
]
