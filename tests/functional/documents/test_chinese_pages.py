"""The documents pages in Chinese show no English interface text.

The page's <main> is reduced to its visible text, the test data (all
Chinese) and a few allowed technical words are removed, and whatever
Latin word is left is English chrome that missed a translation.
"""

import re

from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service

# Not interface text: the Markdown name, slug parts, and "test" (the factory's publish comment).
# The related-documents list names each document by title and address (roles/agent, scripts/greeting).
ALLOWED = {"Markdown", "test", "handbook", "basics", "policies", "page", "old", "new", "png", "jpg", "roles", "agent",
           "scripts", "greeting"}


def _english_words(html: str) -> set[str]:
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r"<[^>]+>", " ", main)  # attributes (names, URLs, tokens) are not shown
    words = set(re.findall(r"[A-Za-z]{2,}", main))
    return {w for w in words if w not in ALLOWED and not re.fullmatch(r"v\d*", w)}


def test_documents_pages_have_no_english_chrome(testapp, dbsession, clock):
    admin = AccountFactory(roles=["admin"], language="zh_CN")
    document = make_document("handbook/basics/page", title="首问负责制", body="## 概述\n\n首问负责。",
                             data={"expires": "2026-01-01", "effective": "2025-01-01"})
    role = make_document("roles/agent", title="客服专员", body="岗位。", data={"duties": ["接听来电"], "position": "x"})
    scripts = make_document("scripts/greeting", title="问候", body="话术。", data={"situations": [
        {"key": "greeting", "title": "问候", "manner": "热情",
         "phrases": [{"text": "您好"}, {"text": "喂", "forbidden": True}]}]})
    svc = service(dbsession)
    draft = svc.by_id(document.id)
    svc.save(draft, base_version_id=draft.latest_version_id, title="首问负责制", body_md="## 概述\n\n首问负责到底。",
             comment="")
    svc.transition(draft, "submit")
    from cs_handbook.models.documents import DocumentSection

    section = DocumentSection(path="handbook/basics", title="基础知识")
    dbsession.add(section)
    dbsession.flush()
    draft.section_id = section.id
    dbsession.commit()
    login(testapp, admin.username)
    pages = ["/handbook/", "/handbook/read/handbook/basics/page", "/handbook/print/handbook/basics/page",
             f"/handbook/read/{role.slug}", f"/handbook/read/{scripts.slug}",
             f"/handbook/doc/{document.id}/history", f"/handbook/doc/{document.id}/diff",
             f"/handbook/doc/{document.id}/edit", f"/handbook/doc/{role.id}/edit",
             f"/handbook/doc/{scripts.id}/edit", "/handbook/new", "/handbook/mine", "/handbook/review",
             "/handbook/search?q=%E9%A6%96%E9%97%AE",
             "/handbook/section/handbook/basics"]
    for url in pages:
        page = testapp.get(url, status=(200, 400) if url.endswith("/edit") else 200)
        assert _english_words(page.text) == set(), url
