"""Access-matrix rows of the documents area (cs_handbook/views/documents)."""

from . import Row, expect, only, signed_in

EDITORS = ("trainer", "admin")
REVIEWERS = ("reviewer", "admin")


def _doc(dbsession, people):
    from tests.factories_documents import make_document

    document = make_document("policies/access-check", title="访问检查", body="正文")
    return {"document_id": document.id, "version_id": document.latest_version_id, "slug": document.slug}


def _pending(dbsession, people):
    from tests.factories_documents import make_document, service

    document = make_document("policies/access-pending", publish=False)
    service(dbsession).transition(document, "submit")
    dbsession.commit()
    return {"document_id": document.id}


def _republished_with_draft(dbsession, people):
    """v1 and v2 published, v3 a working copy: staff may compare the first two only."""
    from tests.factories_documents import make_document, service

    document = make_document("policies/access-changes", title="访问变更", body="第一版")
    svc = service(dbsession)
    svc.save(document, base_version_id=document.latest_version_id, title="访问变更", body_md="第二版")
    svc.publish_now(document)
    svc.save(document, base_version_id=document.latest_version_id, title="访问变更", body_md="草稿")
    dbsession.commit()
    return {"document_id": document.id, "published_id": document.published_version_id,
            "draft_id": document.latest_version_id}


def _draft(dbsession, people):
    from tests.factories_documents import make_document

    document = make_document("policies/access-draft", publish=False)
    return {"document_id": document.id, "version_id": document.latest_version_id}


def _archived(dbsession, people):
    from tests.factories_documents import make_document, service

    document = make_document("policies/access-archived")
    service(dbsession).transition(document, "archive")
    dbsession.commit()
    return {"document_id": document.id}


def _section(dbsession, people):
    from cs_handbook.models.documents import DocumentSection

    dbsession.add(DocumentSection(path="handbook/access-check", title="访问检查栏目"))
    dbsession.commit()
    return {"path": "handbook/access-check"}


ROWS = [
    Row("documents.index", "GET", "/handbook/", signed_in(200)),
    Row("documents.search", "GET", "/handbook/search?q=%E6%9C%8D%E5%8A%A1", signed_in(200)),
    Row("documents.view", "GET", "/handbook/read/{slug}", signed_in(200), setup=_doc),
    Row("documents.section", "GET", "/handbook/section/{path}", signed_in(200), setup=_section),
    Row("documents.tags", "GET", "/handbook/tags", signed_in(200), setup=_doc),
    Row("documents.tag", "GET", "/handbook/tags/%E6%9C%8D%E5%8A%A1", signed_in(200), setup=_doc),
    Row("documents.print", "GET", "/handbook/print/{slug}", signed_in(200), setup=_doc),
    Row("documents.diff", "GET", "/handbook/doc/{document_id}/diff?a={version_id}&b={version_id}",
        signed_in(200), setup=_doc),
    Row("documents.diff", "GET", "/handbook/doc/{document_id}/diff", signed_in(200), setup=_republished_with_draft),
    Row("documents.diff", "GET", "/handbook/doc/{document_id}/diff?a={published_id}&b={draft_id}",
        only(200, "trainer", "reviewer", "manager", "admin", denied=404), setup=_republished_with_draft),
    Row("documents.history", "GET", "/handbook/doc/{document_id}/history",
        only(200, "trainer", "reviewer", "manager", "admin"), setup=_doc),
    Row("documents.review_queue", "GET", "/handbook/review", only(200, *REVIEWERS)),
    Row("documents.mine", "GET", "/handbook/mine", only(200, *EDITORS)),
    Row("documents.archived", "GET", "/handbook/archived", only(200, *REVIEWERS)),
    Row("documents.new", "GET", "/handbook/new", only(200, *EDITORS)),
    Row("documents.edit", "GET", "/handbook/doc/{document_id}/edit", only(200, *EDITORS), setup=_doc),
    Row("documents.new", "POST", "/handbook/new", only(303, *EDITORS),
        data={"slug": "handbook/access-new", "title": "新页面", "body_md": "正文"}),
    Row("documents.edit", "POST", "/handbook/doc/{document_id}/edit", only(303, *EDITORS), setup=_doc,
        data=lambda ctx: {"title": "访问检查", "body_md": "新正文", "base_version_id": str(ctx["version_id"])}),
    Row("documents.preview", "POST", "/handbook/preview", only(200, *EDITORS), data={"body_md": "## 标题"}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        expect(403, anonymous=303, reviewer=303, admin=303), setup=_pending,
        data={"action": "approve", "comment": "好"}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        only(303, *EDITORS), setup=_draft, data={"action": "submit", "comment": "请审"}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        only(303, *REVIEWERS), setup=_pending, data={"action": "send_back", "comment": "补充"}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        only(303, *EDITORS), setup=_pending, data={"action": "withdraw", "comment": ""}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        only(303, *REVIEWERS), setup=_doc, data={"action": "archive", "comment": "过时"}),
    Row("documents.transition", "POST", "/handbook/doc/{document_id}/transition",
        only(303, *REVIEWERS), setup=_archived, data={"action": "restore", "comment": "恢复"}),
    Row("documents.new", "POST", "/handbook/new", only(303, *EDITORS),
        data={"slug": "policies/access-new", "section": "", "title": "新制度", "body_md": "正文"}),
    Row("documents.edit", "POST", "/handbook/doc/{document_id}/edit", only(303, *EDITORS), setup=_doc,
        data=lambda ctx: {"title": "访问检查", "body_md": "改过的正文", "base_version_id": ctx["version_id"]}),
    Row("documents.revert", "POST", "/handbook/doc/{document_id}/revert/{version_id}",
        only(303, *EDITORS), setup=_doc),
]
