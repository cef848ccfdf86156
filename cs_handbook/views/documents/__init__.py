"""Views of the documents area; `includeme` adds its routes (included under /handbook)."""

import re

from pyramid.events import BeforeRender, subscriber
from translationstring import TranslationString

from ... import navigation
from ...i18n import _
from ...permissions import Permission
from ...resources import Root
from ...resources.documents import DocumentResource
from ...services.documents import LOAD_COMMENT, STATE_LABELS, WORKING_COPY_COMMENT
from ...services.documents_lists import PENDING_COUNT
from ...zones import reader_zone

KIND_LABELS = {"handbook": _("Handbook page"), "policy": _("Policy"), "role": _("Role profile"),
               "scripts": _("Script set")}
ACTION_LABELS = {"submit": _("Submit for review"), "approve": _("Approve"), "send_back": _("Send back"),
                 "withdraw": _("Withdraw from review"),
                 "archive": _("Archive"), "restore": _("Restore")}
_SYSTEM_COMMENTS = {WORKING_COPY_COMMENT: _("Working copy started"), LOAD_COMMENT: _("Loaded from the content files")}
_REVERT = re.compile(r"^revert to v(\d+)$")


def comment_label(comment: str):
    """A comment the site wrote itself, translated; a person's comment as they wrote it."""
    if comment in _SYSTEM_COMMENTS:
        return _SYSTEM_COMMENTS[comment]
    match = _REVERT.match(comment or "")
    if match:
        return _("Reverted to version ${n}", mapping={"n": match[1]})
    return comment


def translated_message(request, msgid, mapping=None) -> str:
    """A service message with its mapping's labels translated too (translationstring does not nest)."""
    mapping = {k: request.localizer.translate(v) if isinstance(v, TranslationString) else v
               for k, v in (mapping or {}).items()}
    return request.localizer.translate(_(msgid, mapping=mapping))


@subscriber(BeforeRender)
def _labels(event):
    """The documents templates name states, kinds and system comments through these."""
    if str(event.get("renderer_name", "")).startswith("documents/"):
        request = event.get("request")

        def comment_text(comment):
            # Translated here, so a person's own comment never passes through the template's _().
            label = comment_label(comment)
            return request.localizer.translate(label) if isinstance(label, TranslationString) else label

        event.update({"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS, "comment_text": comment_text,
                      "local_time": lambda at: local_time(request, at),
                      # Looked up when a page shows times, not on every document page.
                      "time_zone": lambda: zone_label(request)})


def zone_label(request) -> str:
    # Times are stored in UTC and shown in the reader's zone (their team's, else the site's).
    zone = reader_zone(request).key
    label = _ZONE_LABELS.get(zone)
    return request.localizer.translate(label) if label else zone


_ZONE_LABELS = {"Asia/Shanghai": _("Beijing time (UTC+8)"), "UTC": _("UTC")}


def local_time(request, at) -> str:
    """`at` (aware UTC) as the reader's wall-clock time; pages say which zone (`time_zone`)."""
    return at.astimezone(reader_zone(request)).strftime("%Y-%m-%d %H:%M") if at else ""


def includeme(config):
    from ...services.documents_files import export, load

    doc = {"factory": DocumentResource}
    config.add_route("documents.index", "/")
    config.add_route("documents.search", "/search")
    config.add_route("documents.review_queue", "/review")
    config.add_route("documents.mine", "/mine")
    config.add_route("documents.archived", "/archived")
    config.add_route("documents.new", "/new")
    config.add_route("documents.preview", "/preview")
    config.add_route("documents.edit", "/doc/{document_id:[0-9]{1,9}}/edit", **doc)
    config.add_route("documents.transition", "/doc/{document_id:[0-9]{1,9}}/transition", **doc)
    config.add_route("documents.history", "/doc/{document_id:[0-9]{1,9}}/history", **doc)
    config.add_route("documents.diff", "/doc/{document_id:[0-9]{1,9}}/diff", **doc)
    config.add_route("documents.revert", "/doc/{document_id:[0-9]{1,9}}/revert/{version_id:[0-9]{1,9}}", **doc)
    config.add_route("documents.section", "/section/{path:.*[^/]}")
    config.add_route("documents.tags", "/tags")
    config.add_route("documents.tag", "/tags/{tag:.*[^/]}")  # never ends in "/", as documents.view
    config.add_route("documents.print", "/print/{slug:.*[^/]}", **doc)
    # A slug never ends in "/", so the not-found view's append-slash cannot turn a 404 into a redirect.
    config.add_route("documents.view", "/read/{slug:.*[^/]}", **doc)
    navigation.register_badge("documents.review_queue", query=PENDING_COUNT)
    config.add_content_handler("documents", "policies", load, export, order=10)
    # `views.home` (which defines add_home_panel) is included after the routes: append to the list it reads.
    config.registry.setdefault("home_panels", []).append(home_panel)
    config.scan(".")


def can_see_all(request, context=None) -> bool:
    """Editors and reviewers also see expired and unpublished documents (with a banner); so does the
    holder of an owner grant, on the document they own (`context`)."""
    root = Root(request)
    if request.has_permission(Permission.DOCUMENTS_EDIT, root) or request.has_permission(
            Permission.DOCUMENTS_REVIEW, root):
        return True
    return isinstance(context, DocumentResource) and bool(request.has_permission(Permission.DOCUMENTS_EDIT, context))


def home_panel(request):
    """"My documents" on the home page, for trainers and for people who own a document."""
    from ...services.documents import DocumentService

    if request.identity is None:
        return None
    service = request.find_service(DocumentService)
    account_id = request.identity.id
    may_create = bool(request.has_permission(Permission.DOCUMENTS_CREATE, Root(request)))
    if not may_create and not service.owned_ids(account_id):
        return None
    return {"title": _("My documents"), "template": "documents/_panel.jinja2", "may_create": may_create,
            "drafts": len(service.drafts_of(account_id)), "due": len(service.needs_review(account_id))}
