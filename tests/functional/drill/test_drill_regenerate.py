"""Regeneration after a source is republished: changed items keep their cards, flagged; vanished ones held back."""

import copy
from datetime import UTC, datetime
from pathlib import Path

from cs_handbook.clock import FixedClock
from cs_handbook.models.drill import DrillCard, DrillItem
from cs_handbook.services.drill_generate import generate, load_folder

from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import right, service

POLICIES = Path(__file__).resolve().parents[3] / "policies"
SLUG = "policies/response-and-standard-scripts"


def test_republished_source_flags_cards_instead_of_losing_them(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    docs = [d for d in load_folder(POLICIES) if d.slug == SLUG]
    svc = service(dbsession, clock)
    report = svc.regenerate(generate(docs), {SLUG})
    assert report.created >= 2
    account = AccountFactory(team=TeamFactory(), position=PositionFactory())
    svc.set_settings(account.team_id, new_per_day=50, reviews_per_day=50, target_retention=0.9)
    for entry in svc.queue(account.id):
        svc.answer(account.id, entry.id, right(entry.card.item))
    cards_before = dbsession.query(DrillCard).count()
    # Republished: the first-response limit changes, one procedure disappears.
    changed = copy.deepcopy(docs[0])
    fact = next(f for f in changed.data["facts"] if f["key"] == "first-response")
    fact["value"] = 30
    removed = changed.data["procedures"].pop(0)
    changed.version = "2"
    clock.advance(days=1)
    report = svc.regenerate(generate([changed]), {SLUG})
    assert report.updated == 1 and report.stale == 1 and report.created == 0
    item = dbsession.query(DrillItem).filter_by(key=f"{SLUG}#fact:first-response:recall-number").one()
    assert item.answer == {"value": 30} and item.source_version == "2"
    card = dbsession.query(DrillCard).filter_by(item_id=item.id).one()
    assert card.source_changed and card.due <= clock.now() and card.reps == 1
    gone = dbsession.query(DrillItem).filter_by(key=f"{SLUG}#procedure:{removed['key']}:order-steps").one()
    assert gone.status == "needs-review"
    assert dbsession.query(DrillCard).count() == cards_before  # no card lost
    queue_items = {e.card.item_id for e in svc.queue(account.id)}
    assert item.id in queue_items and gone.id not in queue_items
    # The same content again changes nothing.
    again = svc.regenerate(generate([changed]), {SLUG})
    assert (again.updated, again.created, again.stale) == (0, 0, 0)
