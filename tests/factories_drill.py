"""Factories and helpers of the drill tests: items, cards, and a service on a given clock."""

from datetime import UTC, datetime

import factory

from cs_handbook.models.drill import DrillCard, DrillItem
from cs_handbook.services.drill import DrillService

from .factories import BaseFactory


def now():
    return datetime.now(UTC)


class DrillItemFactory(BaseFactory):
    class Meta:
        model = DrillItem

    key = factory.Sequence(lambda n: f"handbook/test/doc{n}#fact:f{n}:recall-number")
    kind = "recall-number"
    prompt = factory.Sequence(lambda n: f"第{n}条规则的时限")
    payload = factory.LazyFunction(lambda: {"unit": "秒"})
    answer = factory.LazyFunction(lambda: {"value": 60})
    explanation = "首次响应时限：60秒"
    source_slug = factory.Sequence(lambda n: f"handbook/test/doc{n}")
    source_kind = "handbook"
    source_title = "测试文档"
    source_version = "1"
    source_anchor = factory.Sequence(lambda n: f"fact:f{n}")
    section = "handbook/test"
    content_hash = "x"
    status = "active"
    created_at = factory.LazyFunction(now)
    updated_at = factory.LazyFunction(now)


def service(dbsession, clock) -> DrillService:
    return DrillService(dbsession, clock)


def right(item) -> dict:
    """A right response for an item."""
    if item.kind == "order-steps":
        return {"order": list(item.answer["order"])}
    if item.kind == "match-duties":
        return {"match": list(item.answer["match"])}
    return {"value": str(item.answer["value"])}


WRONG = {"value": "不知道", "order": []}


def leech_card(dbsession, account, item=None, lapses: int = 8) -> DrillCard:
    """A card of `account` held back as a leech (due yesterday, `lapses` lapses), committed like the factories'."""
    from datetime import timedelta

    item = item or DrillItemFactory()
    card = DrillCard(account_id=account.id, item_id=item.id, state=2, step=None, stability=1.0, difficulty=9.0,
                     due=now() - timedelta(days=1), last_review=now() - timedelta(days=2), reps=lapses + 1,
                     lapses=lapses, leech=True, source_changed=False, created_at=now())
    dbsession.add(card)
    dbsession.commit()
    return card
