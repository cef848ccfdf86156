"""Writing: the new and edit forms (text, structured data, section, order, links) and the Markdown preview."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...models.documents import DocumentKind
from ...permissions import Permission
from ...schemas.documents import SCHEMA_BY_KIND, NewDocumentSchema
from ...services.documents import DocumentError, DocumentService
from ...services.documents_files import KIND_BY_FOLDER
from ...services.documents_render import render_markdown
from ...services.documents_structured import from_appstruct, situation_keys, to_appstruct
from . import translated_message


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
