"""Writing and reviewing: new/edit forms with preview, workflow actions, history, diff, revert, queues."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...ids import parse_id
from ...models.documents import DocumentKind
from ...permissions import Permission
from ...resources import Root
from ...schemas.documents import SCHEMA_BY_KIND, NewDocumentSchema
from ...services.documents import TRANSITIONS, DocumentError, DocumentService
from ...services.documents_changes import previous_published_id, published_version_ids
from ...services.documents_diff import diff_versions
from ...services.documents_files import KIND_BY_FOLDER
from ...services.documents_render import render_markdown
from ...services.documents_structured import as_text, from_appstruct, situation_keys, to_appstruct
from . import ACTION_LABELS, translated_message

# Which permission each workflow action needs (checked on the document's ACL).
ACTION_PERMISSION = {"submit": Permission.DOCUMENTS_EDIT, "withdraw": Permission.DOCUMENTS_EDIT,
                     "approve": Permission.DOCUMENTS_REVIEW,
                     "send_back": Permission.DOCUMENTS_REVIEW, "archive": Permission.DOCUMENTS_REVIEW,
                     "restore": Permission.DOCUMENTS_REVIEW}


def _service(request) -> DocumentService:
    return request.find_service(DocumentService)


def _fields(appstruct, base_data):
    data = dict(base_data or {})
    for key in ("effective", "expires", "review_due"):
        if appstruct.get(key):
            data[key] = appstruct[key].isoformat()
        else:
            data.pop(key, None)
    if appstruct.get("order") is not None:
        data["order"] = appstruct["order"]
    else:
        data.pop("order", None)
    # Links keep the order they had (the list shows them in address order), new ones at the end:
    # an unchanged save must write the file back as it was.
    chosen = list(dict.fromkeys(appstruct.get("links") or ()))
    before = list(data.get("links") or ())
    links = [s for s in before if s in chosen] + [s for s in chosen if s not in before]
    if links:
        data["links"] = links
    else:
        data.pop("links", None)
    tags = [t.strip() for t in appstruct["tags"].replace("，", ",").split(",") if t.strip()]
    return {"title": appstruct["title"], "summary": appstruct["summary"], "body_md": appstruct["body_md"],
            "tags": list(dict.fromkeys(tags)), "data": data, "comment": appstruct["comment"]}


@view_defaults(route_name="documents.new", renderer="documents/form.jinja2", permission=Permission.DOCUMENTS_CREATE)
class NewDocumentView(FormView):
    schema = NewDocumentSchema
    form_options = {"formid": "document"}

    def __init__(self, context, request):
        self.context, self.request = context, request
        from ...forms import make_form

        self.form = make_form(request, self.schema(), formid="document",
                              bind={"sections": _service(request).sections(), "link_choices": _link_choices(request)})

    def template_vars(self):
        return {"document": None}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = _service(self.request)
        slug = appstruct["slug"]
        fields = _fields(appstruct, {})
        section, problem = _section_of_new(service, slug, appstruct["section"])
        if problem is not None:
            return self.invalid("slug", self.request.localizer.translate(problem))
        try:
            document = service.create(slug=slug, kind=KIND_BY_FOLDER[slug.split("/")[0]], section=section,
                                      author=self.request.identity.account, **fields)
        except DocumentError as error:
            return self.invalid(error.field if error.field in ("slug", "expires") else "title",
                                translated_message(self.request, error.msgid, error.mapping))
        flash(self.request, _("Draft saved."))
        return HTTPSeeOther(self.request.route_url("documents.edit", document_id=document.id))


def _section_of_new(service, slug: str, chosen: str):
    """(section, None) for a new document at `slug`, or (None, message): a document lives in the
    section whose folder holds it, as the content files say (policies/handbook/basics/x.md)."""
    folder = slug.rsplit("/", 1)[0]
    if chosen:
        if folder != chosen:
            return None, _("The address must be in the folder of the chosen section: start it with ${folder}/.",
                           mapping={"folder": chosen})
        return service.section_by_path(chosen), None
    found = service.section_by_path(folder)
    if found is None and "/" in folder:
        return None, _("No section has the folder ${folder}: choose a section and start the address with its "
                       "folder.", mapping={"folder": folder})
    return found, None


@view_defaults(route_name="documents.edit", renderer="documents/form.jinja2", permission=Permission.DOCUMENTS_EDIT)
class EditDocumentView(FormView):
    """Text and the kind's structured data (duties, situations, procedures, facts), saved as one new version."""

    def __init__(self, context, request):
        from ...forms import make_form

        self.context, self.request = context, request
        document = context.document
        data = document.latest_version.data or {}
        self.form = make_form(request, SCHEMA_BY_KIND[document.kind](), formid="document", bind={
            "situation_keys": situation_keys(data), "positions": _positions(request, data),
            "link_choices": _link_choices(request, document, data.get("links")),
            "section_choices": _section_choices(_service(request), document)[0]})

    def appstruct(self):
        version = self.context.document.latest_version
        data = version.data or {}
        values = {"title": version.title, "summary": version.summary, "body_md": version.body_md,
                  "tags": ", ".join(version.tags or ()), "base_version_id": version.id, "comment": "",
                  "order": data.get("order"), "links": list(data.get("links") or ()),
                  "section": data.get("section") or _section_choices(_service(self.request), self.context.document)[1],
                  **to_appstruct(data)}
        from datetime import date

        for key in ("effective", "expires", "review_due"):
            if data.get(key):
                values[key] = date.fromisoformat(data[key])
        return values

    def template_vars(self):
        document = self.context.document
        holders = None
        if document.kind == DocumentKind.ROLE:
            holders = _holders(self.request, (document.latest_version.data or {}).get("position"))
        return {"document": document, "holders": holders}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        document = self.context.document
        fields = _fields(appstruct, document.latest_version.data)
        fields["data"] = from_appstruct(appstruct, fields["data"], document.kind)
        home = _section_choices(_service(self.request), document)[1]
        if appstruct["section"] and appstruct["section"] != home:
            fields["data"]["section"] = appstruct["section"]  # moved: applied when this version is published
        else:
            fields["data"].pop("section", None)
        try:
            _service(self.request).save(document, base_version_id=appstruct["base_version_id"],
                                        author=self.request.identity.account, **fields)
        except DocumentError as error:
            return self.invalid(error.field if error.field in ("expires",) else "body_md",
                                translated_message(self.request, error.msgid, error.mapping))
        flash(self.request, _("Saved as a new version."))
        return HTTPSeeOther(self.request.route_url("documents.history", document_id=document.id))


def _link_choices(request, document=None, current=()) -> list[tuple[str, str]]:
    """Documents a page may point to ("see also"): every other one, and any it already names."""
    from sqlalchemy import select

    from ...models.documents import Document

    rows = request.dbsession.execute(select(Document.slug, Document.title).order_by(Document.slug))
    choices = [(slug, f"{title} ({slug})") for slug, title in rows if document is None or slug != document.slug]
    known = {slug for slug, _label in choices}
    return choices + [(slug, slug) for slug in current or () if slug not in known]


def _section_choices(service, document) -> tuple[list[tuple[str, str]], str]:
    """(choices, home): the sections a document may move to — those of its kind's folder — and the
    one its address's folder stands for ("" when that folder is no section)."""
    top, folder = document.slug.split("/")[0], document.slug.rsplit("/", 1)[0]
    sections = [s for s in service.sections() if s.path == top or s.path.startswith(top + "/")]
    home = folder if any(s.path == folder for s in sections) else ""
    choices = [(s.path, f"{s.path} · {s.title}") for s in sections]
    return ([("", "—")] if not home else []) + choices, home


def _positions(request, data) -> list[tuple[str, str]]:
    """Codes a role profile may name: the site's positions, and the one it names already."""
    from sqlalchemy import select

    from ...models.accounts import Position

    positions = [(p.code, p.name) for p in request.dbsession.scalars(select(Position).order_by(Position.code))]
    current = str(data.get("position") or "")
    if current and current not in {code for code, _name in positions}:
        positions.append((current, str(data.get("position_name") or current)))
    return positions


def _holders(request, code) -> list:
    from sqlalchemy import select

    from ...models.accounts import Account, Position

    if not code:
        return []
    return list(request.dbsession.scalars(
        select(Account).join(Position, Account.position_id == Position.id)
        .where(Position.code == str(code), Account.is_active.is_(True)).order_by(Account.display_name)))


@view_config(route_name="documents.preview", renderer="json", permission=Permission.DOCUMENTS_CREATE,
             request_method="POST")
def preview(request):
    """Re-render the Markdown without saving (the form's preview button)."""
    text = request.POST.get("body_md", "")
    if len(text) > 200_000:
        raise HTTPBadRequest(request.localizer.translate(_("The text is too long.")))
    return {"html": render_markdown(text)}


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
