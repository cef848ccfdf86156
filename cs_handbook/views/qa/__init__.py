"""Transcript quality assessment (聊天记录考核): import, sample, score, dispute, ledger."""

from ... import navigation
from ...resources.qa import DisputeResource, EvaluationResource, LedgerRulesResource


def includeme(config):
    evaluation = {"factory": EvaluationResource}
    config.add_route("qa.index", "/")
    config.add_route("qa.import", "/import")
    config.add_route("qa.sample", "/sample")
    config.add_route("qa.evaluations_export", "/evaluations.{fmt:(csv|xlsx)}")
    config.add_route("qa.evaluation", "/evaluations/{evaluation_id:[0-9]{1,9}}", **evaluation)
    config.add_route("qa.dispute", "/evaluations/{evaluation_id:[0-9]{1,9}}/dispute", **evaluation)
    config.add_route("qa.dispute_resolve", "/disputes/{dispute_id:[0-9]{1,9}}/resolve", factory=DisputeResource)
    config.add_route("qa.mine", "/mine")
    config.add_route("qa.ledger", "/ledger")
    config.add_route("qa.ledger_export", "/ledger.{fmt:(csv|xlsx)}")
    config.add_route("qa.rules", "/rules", factory=LedgerRulesResource)
    config.add_demo_builder("cs_handbook.views.qa.demo.build_demo", order=60)
    from ...services.qa import waiting_badge_query
    from .common import home_panel

    # The number of scorecards waiting, beside "Quality" (shown to evaluators only, as the entry is).
    navigation.register_badge("qa.index", query=waiting_badge_query())
    # `views.home` (which defines add_home_panel) is included after the routes:
    # append to the same registry list the directive fills.
    config.registry.setdefault("home_panels", []).append(home_panel)
