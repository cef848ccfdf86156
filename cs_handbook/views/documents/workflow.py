"""Workflow and review: transitions, history, diff, revert, my documents, the review queue, the archive."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash
from ...i18n import _
from ...ids import parse_id
from ...permissions import Permission
from ...resources import Root
from ...services.documents import TRANSITIONS, DocumentError, DocumentService
from ...services.documents_changes import previous_published_id, published_version_ids
from ...services.documents_diff import diff_versions
from ...services.documents_structured import as_text
from . import ACTION_LABELS, translated_message

# Which permission each workflow action needs (checked on the document's ACL).
ACTION_PERMISSION = {"submit": Permission.DOCUMENTS_EDIT, "withdraw": Permission.DOCUMENTS_EDIT,
                     "approve": Permission.DOCUMENTS_REVIEW,
                     "send_back": Permission.DOCUMENTS_REVIEW, "archive": Permission.DOCUMENTS_REVIEW,
                     "restore": Permission.DOCUMENTS_REVIEW}


def _service(request) -> DocumentService:
    return request.find_service(DocumentService)


@view_config(route_name="documents.transition", permission=Permission.DOCUMENTS_READ, request_method="POST")
def transition(request):
    document = request.context.document
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        raise HTTPBadRequest(request.localizer.translate(_("Unknown action.")))
    if not request.has_permission(ACTION_PERMISSION[action], request.context):
        # Answered here rather than raised: the action is known only from the body.
        from pyramid.renderers import render_to_response

        response = render_to_response("errors/error.jinja2", {
            "status": 403, "title": _("Access denied"),
            "message": _("You may not do this to the document.")}, request=request)
        response.status_int = 403
        return response
    comment = request.POST.get("comment", "").strip()[:1000]
    try:
        _service(request).transition(document, action, actor=request.identity.account, comment=comment)
    except DocumentError as error:
        flash(request, translated_message(request, error.msgid, error.mapping), queue="error")
        return HTTPSeeOther(request.route_url("documents.history", document_id=document.id))
    flash(request, _("Done: ${action}.", mapping={"action": request.localizer.translate(ACTION_LABELS[action])}))
    target = "documents.review_queue" if action in ("approve", "send_back") else "documents.history"
    return HTTPSeeOther(request.route_url(target, **({} if target == "documents.review_queue"
                                                      else {"document_id": document.id})))


@view_config(route_name="documents.history", renderer="documents/history.jinja2",
             permission=Permission.DOCUMENTS_HISTORY, request_method="GET")
def history(request):
    service = _service(request)
    document = request.context.document
    return {"document": document, "versions": service.versions(document),
            "transitions": service.transitions(document),
            "can_edit": bool(request.has_permission(Permission.DOCUMENTS_EDIT, request.context)),
            "can_review": bool(request.has_permission(Permission.DOCUMENTS_REVIEW, request.context))}


@view_config(route_name="documents.diff", renderer="documents/diff.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def diff(request):
    """Two versions side by side, title, structured data and text.

    Without `a` and `b`: what changed in the published version since the one
    published before it (the page's "What changed"). Staff may compare only
    versions that were published; editors any two (from the history page).
    """
    service = _service(request)
    document = request.context.document
    may_history = bool(request.has_permission(Permission.DOCUMENTS_HISTORY, request.context))
    if not may_history and not service.readable(document, False):
        raise HTTPNotFound()
    if "a" in request.params or "b" in request.params:
        a, b = parse_id(request.params.get("a")), parse_id(request.params.get("b"))
        if a is None or b is None:
            raise HTTPBadRequest(request.localizer.translate(_("Choose two versions to compare.")))
    else:
        a, b = previous_published_id(request.dbsession, document), document.published_version_id
        if a is None and may_history:
            versions = service.versions(document)
            if len(versions) >= 2:
                a, b = versions[1].id, versions[0].id
        if a is None:
            return {"document": document, "old": None, "new": None, "rows": []}
    if "a" in request.params:
        if not may_history and (b != document.published_version_id
                                or a not in published_version_ids(request.dbsession, document)):
            raise HTTPNotFound()
    old, new = service.version(document, a), service.version(document, b)
    if old is None or new is None:
        raise HTTPNotFound()

    def label(msgid):
        return request.localizer.translate(msgid)

    rows = diff_versions([(old.title, new.title), (as_text(old.data, label), as_text(new.data, label)),
                          (old.body_md, new.body_md)])
    return {"document": document, "old": old, "new": new, "rows": rows}


@view_config(route_name="documents.revert", permission=Permission.DOCUMENTS_EDIT, request_method="POST")
def revert(request):
    service = _service(request)
    document = request.context.document
    version = service.version(document, int(request.matchdict["version_id"]))
    if version is None:
        raise HTTPNotFound()
    try:
        service.revert(document, version, author=request.identity.account)
    except DocumentError as error:
        flash(request, translated_message(request, error.msgid, error.mapping), queue="error")
    else:
        flash(request, _("Reverted: a new version was made from version ${n}.", mapping={"n": version.number}))
    return HTTPSeeOther(request.route_url("documents.history", document_id=document.id))


@view_config(route_name="documents.mine", renderer="documents/mine.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def mine(request):
    """A trainer's (or a document owner's) drafts, what waits for review, and what needs re-verifying."""
    service = _service(request)
    account = request.identity.account
    root = Root(request)
    may_create = bool(request.has_permission(Permission.DOCUMENTS_CREATE, root))
    if not may_create and not service.owned_ids(account.id):
        raise HTTPForbidden()
    return {"drafts": service.drafts_of(account.id), "due": service.needs_review(account.id),
            "all_due": service.needs_review() if may_create else [], "may_create": may_create,
            "may_review": bool(request.has_permission(Permission.DOCUMENTS_REVIEW, root))}


@view_config(route_name="documents.archived", renderer="documents/archived.jinja2",
             permission=Permission.DOCUMENTS_REVIEW, request_method="GET")
def archived(request):
    """Archived documents, for those who may restore them (from each one's history page)."""
    return {"documents": _service(request).archived()}


@view_config(route_name="documents.review_queue", renderer="documents/queue.jinja2",
             permission=Permission.DOCUMENTS_REVIEW, request_method="GET")
def review_queue(request):
    service = _service(request)
    reviews = service.pending_reviews()
    account = request.identity.account
    return {"reviews": reviews, "own": {r.document.id for r in reviews if service.is_own_change(r.document, account)}}
