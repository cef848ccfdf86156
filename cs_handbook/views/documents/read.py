"""Reading: the handbook index, a document page, its printable view, and search."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ...i18n import _
from ...ids import parse_id
from ...models.documents import DocumentKind
from ...permissions import Permission
from ...services import documents_cache
from ...services.documents import DocumentService
from ...templating import render_shared
from . import can_see_all


def _service(request) -> DocumentService:
    return request.find_service(DocumentService)


def _shared(request, renderer_name: str, value: dict, document_id: int | None = None):
    """The page rendered once for every reader with the same key, when the page cache's tween found
    it cacheable (`services/documents_cache.py`); else `value`, for the view's own renderer."""
    if not documents_cache.cacheable(request, document_id):
        return value
    parts = render_shared(renderer_name, value, request, kept_badges=documents_cache.COVERED_BADGES)
    documents_cache.store(request, document_id, parts)
    return documents_cache.response_for(request, parts)


@view_config(route_name="documents.index", renderer="documents/index.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def index(request):
    service = _service(request)
    see_all = can_see_all(request)
    by_section: dict[int | None, list] = {}
    for entry in service.entries(see_all=see_all):
        by_section.setdefault(entry.section_id, []).append(entry)
    sections = [(s, by_section.get(s.id, [])) for s in service.sections() if by_section.get(s.id)]
    loose = by_section.get(None, [])
    return _shared(request, "documents/index.jinja2",
                   {"sections": sections, "loose": loose, "recent": service.recently_updated(see_all=see_all)})


@view_config(route_name="documents.section", renderer="documents/section.jinja2",
             permission=Permission.DOCUMENTS_READ, request_method="GET")
def section(request):
    """One section's index: its documents in their order, only what the reader may see."""
    service = _service(request)
    found = service.section_by_path(request.matchdict["path"])
    if found is None:
        raise HTTPNotFound()
    return _shared(request, "documents/section.jinja2",
                   {"section": found, "entries": service.entries(see_all=can_see_all(request), section_id=found.id)})


@view_config(route_name="documents.tags", renderer="documents/tags.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def tags(request):
    return {"tags": _service(request).tags(see_all=can_see_all(request))}


@view_config(route_name="documents.tag", renderer="documents/tag.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def tag(request):
    """The documents carrying one tag (a tag nobody may see documents of is not found)."""
    name = request.matchdict["tag"]
    documents = _service(request).tagged(name, see_all=can_see_all(request)) if len(name) <= 50 else []
    if not documents:
        raise HTTPNotFound()
    return {"tag": name, "documents": documents}


def _readable(request, service):
    document = request.context.document
    see_all = can_see_all(request, request.context)
    if not service.readable(document, see_all):
        raise HTTPNotFound()
    version = document.published_version or (document.latest_version if see_all else None)
    if version is None:
        raise HTTPNotFound()
    return document, version, see_all


def _page(request):
    service = request.context.service  # the page's context is a DocumentResource
    document, version, see_all = _readable(request, service)
    data = version.data or {}
    holders = []
    if document.kind == DocumentKind.ROLE and data.get("position"):
        holders = service.position_holders(str(data["position"]))
    # Handbook › section › page; the section links to its index page.
    crumbs = [(request.route_url("documents.index"), request.localizer.translate(_("Handbook")))]
    if document.section is not None:
        crumbs.append((request.route_url("documents.section", path=document.section.path), document.section.title))
    crumbs.append((None, version.title))
    links, linked_from = service.page_links(document.slug, data.get("links", ()), see_all)
    return {"document": document, "version": version, "data": data, "holders": holders, "crumbs": crumbs,
            "links": links, "linked_from": linked_from,
            "expired": not document.is_current(service.today()),
            "unpublished": document.published_version_id is None,
            "working_copy": document.has_working_copy, "can_edit": bool(
                request.has_permission(Permission.DOCUMENTS_EDIT, request.context)),
            "can_history": bool(request.has_permission(Permission.DOCUMENTS_HISTORY, request.context))}


@view_config(route_name="documents.view", renderer="documents/view.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def view(request):
    value = _page(request)
    return _shared(request, "documents/view.jinja2", value, value["document"].id)


@view_config(route_name="documents.print", renderer="documents/print.jinja2", permission=Permission.DOCUMENTS_READ,
             request_method="GET")
def print_view(request):
    return _page(request)


@view_config(route_name="documents.search", renderer="documents/search.jinja2", permission=Permission.SEARCH,
             request_method="GET")
def search(request):
    query = request.params.get("q", "").strip()[:200]
    kind = request.params.get("kind", "")
    if kind not in set(DocumentKind):
        kind = ""
    page = parse_id(request.params.get("page")) or 1
    found = (_service(request).search(query, kind=kind or None, see_all=can_see_all(request), page=page)
             if query else None)
    return {"q": query, "kind": kind, "found": found, "kinds": list(DocumentKind)}
