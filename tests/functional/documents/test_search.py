"""Search: one-character words, highlights in phrases and duties, pages of results, and recall over the
default content against a LIKE ground truth (2-, 3- and 4-character words and English)."""

import re

import pytest

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.models.documents import Document
from cs_handbook.scripts.progress import Progress
from cs_handbook.services import documents_files
from cs_handbook.services.documents_render import plain_text
from cs_handbook.services.documents_search import data_text
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def _found(page) -> list[str]:
    return re.findall(r'<li><a href="http://localhost/handbook/read/([^"]+)"', page.text)


def test_one_character_words_are_found_and_marked(testapp, dbsession, clock):
    make_document("policies/etiquette", title="服务规范", body="接待客户要讲礼貌，先问好。")
    make_document("policies/complaints", title="投诉处理", body="客户投诉要当天登记。")
    make_document("policies/hidden", title="礼貌草稿", body="礼貌", publish=False)
    staff = _client(testapp, AccountFactory().username)
    page = staff.get("/handbook/search", {"q": "礼"})
    assert _found(page) == ["policies/etiquette"] and "<mark>礼</mark>" in page.text
    assert _found(staff.get("/handbook/search", {"q": "投"})) == ["policies/complaints"]
    # With another word: both must be there.
    assert _found(staff.get("/handbook/search", {"q": "客户 礼"})) == ["policies/etiquette"]
    assert _found(staff.get("/handbook/search", {"q": "礼", "kind": "handbook"})) == []
    # Wildcards typed as words are words.
    assert _found(staff.get("/handbook/search", {"q": "%"})) == [] and _found(staff.get(
        "/handbook/search", {"q": "_"})) == []


def test_a_match_in_phrases_or_duties_is_shown_and_marked(testapp, dbsession, clock):
    make_document("scripts/phone", title="电话礼仪", body="接听电话的要求。", data={"situations": [
        {"key": "phone-opening", "title": "接听", "phrases": [{"text": "您好，工号 1024 为您服务。"}]}]})
    make_document("roles/desk", title="前台岗位", body="岗位说明。", data={"duties": ["核对客户车架号"]})
    staff = _client(testapp, AccountFactory().username)
    page = staff.get("/handbook/search", {"q": "工号"})
    assert _found(page) == ["scripts/phone"] and "<mark>工号</mark>" in page.text
    page = staff.get("/handbook/search", {"q": "车架号"})
    assert _found(page) == ["roles/desk"] and "<mark>车架号</mark>" in page.text


def test_results_come_in_pages_with_an_honest_count(testapp, dbsession, clock):
    svc = service(dbsession)
    for number in range(45):
        document = svc.create(slug=f"handbook/page-{number:02d}", kind="handbook", title=f"回访第{number}篇",
                              body_md="客户回访的做法。")
        svc.publish_now(document)
    dbsession.commit()
    staff = _client(testapp, AccountFactory().username)
    first = staff.get("/handbook/search", {"q": "回访"})
    assert "第 1–20 条，共 45 条结果" in first.text and len(_found(first)) == 20
    third = first.click(href=r"page=3", index=0)
    assert "第 41–45 条，共 45 条结果" in third.text and len(_found(third)) == 5
    seen = set(_found(first)) | set(_found(first.click(href=r"page=2", index=0))) | set(_found(third))
    assert len(seen) == 45
    # A page past the end shows the last one; a page that is not a number, the first.
    assert "第 41–45 条" in staff.get("/handbook/search", {"q": "回访", "page": "999999999"}).text
    for bad in ("abc", "²", "-1", "99999999999999999999"):
        assert "第 1–20 条" in staff.get("/handbook/search", {"q": "回访", "page": bad}).text
    assert "没有找到结果" in staff.get("/handbook/search", {"q": "不存在的词语"}).text


# Labelled queries over the default content: (query, a document it must find).
LABELLED = {
    1: [("礼", None), ("投", None), ("号", None)],
    2: [("投诉", None), ("回访", None), ("工号", "scripts/phone-etiquette"), ("礼仪", None), ("档案", None),
        ("物流", None), ("核保", "roles/underwriting-support"), ("时限", None), ("保密", None), ("话术", None),
        ("三包", "handbook/after-sales/three-guarantees"), ("道歉", None), ("转接", None), ("奖金", None)],
    3: [("满意度", None), ("大客户", None), ("结束语", None), ("问候语", None), ("工作日", None),
        ("六不走", "policies/daily-rules"), ("车架号", "handbook/relations/customer-files")],
    4: [("首问负责", "policies/first-contact-ownership"), ("客户投诉", None), ("服务质量", None), ("聊天记录", None),
        ("呼叫中心", None), ("客户关系", None), ("售后服务", None), ("不归我管", "scripts/forbidden-wording")],
    "en": [("VIP", None), ("Gartner", "handbook/process-design/gartner-seven"), ("DMS", None), ("7DC", None),
           ("QA", None)],
}


@pytest.fixture
def default_content(dbsession, tmp_path):
    class Request:
        identity = None

        def find_service(self, cls):
            return svc

    svc = service(dbsession)
    report = documents_files.load(Request(), DEFAULT_CONTENT_DIRS["policies"], Progress(quiet=True))
    assert not report.errors
    dbsession.commit()
    return svc


def _like_ground_truth(dbsession, query: str) -> set[str]:
    """The documents whose visible text holds `query` (what LIKE '%query%' finds in it)."""
    wanted = query.lower()
    found = set()
    for document in dbsession.query(Document).filter(Document.published_version_id.is_not(None)):
        v = document.published_version
        text = " ".join([v.title, v.summary, " ".join(v.tags or ()), plain_text(v.body_html), data_text(v.data)])
        if wanted in text.lower():
            found.add(document.slug)
    return found


def test_search_recall_over_the_default_content(dbsession, default_content, clock):
    for length, queries in LABELLED.items():
        expected = matched = 0
        for query, label in queries:
            truth = _like_ground_truth(dbsession, query)
            assert truth, f"{query} is in no document: not a useful query"
            results = {hit.slug for hit in default_content.search(query, per_page=500).hits}
            if label:
                assert label in results, query
            expected += len(truth)
            matched += len(truth & results)
        recall = matched / expected
        assert recall >= 0.95, (length, recall)


@pytest.mark.postgresql_only  # SQLite has no planner settings
def test_a_search_leaves_the_planner_as_it_found_it(dbsession, clock):
    """The match turns sequential scans off for itself only: the rest of the request plans as usual."""
    from sqlalchemy import text

    make_document("policies/etiquette", title="服务规范", body="接待客户要讲礼貌，先问好。")
    found = service(dbsession).search("客户")
    assert [hit.slug for hit in found.hits] == ["policies/etiquette"]
    assert dbsession.execute(text("SHOW enable_seqscan")).scalar_one() == "on"
