"""Views of the daily drill; `includeme` adds its routes (prefix `/drill`), the home panel and the demo builder."""

from ...resources.drill import DrillCardResource, DrillItemResource, DrillTeamResource


def includeme(config):
    config.add_route("drill.today", "/")
    config.add_route("drill.answer", "/answer")
    config.add_route("drill.manage", "/manage")
    config.add_route("drill.team_settings", "/manage/teams/{team_id:[0-9]{1,9}}", factory=DrillTeamResource)
    config.add_route("drill.item_update", "/items/{item_id:[0-9]{1,9}}", factory=DrillItemResource)
    config.add_route("drill.item_edit", "/items/{item_id:[0-9]{1,9}}/edit", factory=DrillItemResource)
    config.add_route("drill.card_reset", "/cards/{card_id:[0-9]{1,9}}/reset", factory=DrillCardResource)
    config.add_route("drill.heatmap", "/heatmap")
    config.add_demo_builder("cs_handbook.views.drill.demo.build_demo", order=50)
    # `views.home` (which defines add_home_panel) is included after the routes:
    # append to the same registry list the directive fills.
    from .learner import home_panel

    config.registry.setdefault("home_panels", []).append(home_panel)
