"""The drill follows the documents through the documents service: publish, republish, archive, restore."""

from datetime import UTC, datetime

from cs_handbook.clock import FixedClock
from cs_handbook.models.drill import DrillCard, DrillItem
from cs_handbook.services.documents import DocumentService
from cs_handbook.services.drill import DrillService
from cs_handbook.services.drill_hooks import regenerate_all

from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import DrillItemFactory, right

RULES = {"facts": [{"key": "first-response", "label": "首次响应时限", "value": 60, "unit": "秒"}],
         "procedures": [{"key": "complaint", "title": "投诉处理", "steps": ["倾听", "记录", "答复"]}]}
OTHER = {"facts": [{"key": "reply", "label": "售后回复时限", "value": 24, "unit": "小时"}]}


def _publish(docs, slug, data, title="测试制度"):
    document = docs.create(slug=slug, kind="policy", title=title, body_md="正文", data=data)
    docs.publish_now(document, None, "")
    return document


def _items(dbsession, slug) -> dict:
    return {i.key.split("#")[1]: i for i in dbsession.query(DrillItem).filter_by(source_slug=slug)}


def test_publishing_and_republishing_through_the_documents_service(request_, dbsession, clock):
    docs = request_.find_service(DocumentService)
    drill = request_.find_service(DrillService)
    person = AccountFactory(team=TeamFactory(), position=PositionFactory())
    document = _publish(docs, "policies/zz-rules", RULES)
    items = _items(dbsession, "policies/zz-rules")
    assert sorted(items) == ["fact:first-response:recall-number", "procedure:complaint:order-steps"]
    assert items["fact:first-response:recall-number"].source_version == str(document.published_version_id)
    for entry in drill.queue(person.id):
        drill.answer(person.id, entry.id, right(entry.card.item))

    # A new version goes through review; approving it publishes it and the changed item is rewritten.
    changed = {**RULES, "facts": [{**RULES["facts"][0], "value": 30}]}
    docs.save(document, base_version_id=document.latest_version_id, title="测试制度", body_md="正文", data=changed)
    docs.transition(document, "submit", None, "")
    docs.transition(document, "approve", None, "ok")
    items = _items(dbsession, "policies/zz-rules")
    fact, steps = items["fact:first-response:recall-number"], items["procedure:complaint:order-steps"]
    assert fact.answer == {"value": 30} and fact.source_version == str(document.published_version_id)
    cards = {c.item_id: c for c in dbsession.query(DrillCard).filter_by(account_id=person.id)}
    assert cards[fact.id].source_changed and cards[fact.id].due <= clock.now()
    assert not cards[steps.id].source_changed  # unchanged content keeps its schedule
    assert cards[steps.id].due > clock.now()


def test_archived_documents_leave_the_drill_and_come_back_when_restored(request_, dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    docs = request_.find_service(DocumentService)
    drill = DrillService(dbsession, clock)
    person = AccountFactory(team=TeamFactory(), position=PositionFactory())
    archived = _publish(docs, "policies/zz-rules", RULES)
    _publish(docs, "policies/zz-other", OTHER, title="另一份制度")
    drill.set_settings(person.team_id, new_per_day=10, reviews_per_day=10, target_retention=0.9)
    for entry in drill.queue(person.id):
        drill.answer(person.id, entry.id, {"value": "不知道"})  # all wrong: due tomorrow
    cards = dbsession.query(DrillCard).count()

    docs.transition(archived, "archive", None, "")
    assert {i.status for i in _items(dbsession, "policies/zz-rules").values()} == {"needs-review"}
    assert {i.status for i in _items(dbsession, "policies/zz-other").values()} == {"active"}
    clock.advance(days=1)
    assert {e.card.item.source_slug for e in drill.queue(person.id)} == {"policies/zz-other"}
    assert dbsession.query(DrillCard).count() == cards  # nobody's cards lost

    docs.transition(archived, "restore", None, "")
    assert {i.status for i in _items(dbsession, "policies/zz-rules").values()} == {"active"}
    clock.advance(days=1)
    assert "policies/zz-rules" in {e.card.item.source_slug for e in drill.queue(person.id)}


def test_drill_generate_retires_items_of_documents_no_longer_published(request_, dbsession):
    docs = request_.find_service(DocumentService)
    _publish(docs, "policies/zz-rules", RULES)
    orphan = DrillItemFactory(source_slug="policies/withdrawn", source_anchor="fact:x", key="policies/withdrawn#x")
    bank = DrillItemFactory(kind="bank-question", source_slug="policies/withdrawn", source_anchor="document",
                            key="bank:basics/q-x")
    _docs, report = regenerate_all(request_)
    assert report.stale >= 1
    assert orphan.status == "needs-review"
    assert bank.status == "active"  # bank questions follow the bank, not the documents
    assert {i.status for i in _items(dbsession, "policies/zz-rules").values()} == {"active"}


def _scripts(situation, allowed, banned):
    return {"situations": [{"key": situation, "title": situation, "manner": "礼貌",
                            "phrases": [{"text": allowed}, {"text": banned, "forbidden": True, "note": "不礼貌"}]}]}


def test_a_changed_script_set_refreshes_the_phrases_other_sets_borrow(request_, dbsession):
    docs = request_.find_service(DocumentService)

    def publish(slug, data):
        document = docs.create(slug=slug, kind="scripts", title=slug, body_md="", data=data)
        docs.publish_now(document, None, "")
        return document

    greeting = publish("scripts/zz-greeting", _scripts("greeting", "您好，请问有什么可以帮您", "喂"))
    publish("scripts/zz-closing", _scripts("closing", "感谢您的来电，再见", "没事挂了"))
    closing_pick = dbsession.query(DrillItem).filter_by(key="scripts/zz-closing#situation:closing:pick-phrase").one()
    assert "您好，请问有什么可以帮您" in closing_pick.payload["choices"]  # another situation's phrase
    docs.save(greeting, base_version_id=greeting.latest_version_id, title="scripts/zz-greeting", body_md="",
              data=_scripts("greeting", "您好，很高兴为您服务", "喂"))
    docs.transition(greeting, "submit", None, "")
    docs.transition(greeting, "approve", None, "ok")
    dbsession.refresh(closing_pick)
    assert "您好，很高兴为您服务" in closing_pick.payload["choices"]
    assert "您好，请问有什么可以帮您" not in closing_pick.payload["choices"]  # no phrase the site no longer has
