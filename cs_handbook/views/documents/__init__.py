"""Views of the documents area; `includeme` adds its routes (included under /handbook)."""

from ... import navigation
from ...permissions import Permission
from ...resources import Root
from ...resources.documents import DocumentResource


def _pending_badge(request):
    from ...services.documents import DocumentService

    return request.find_service(DocumentService).pending_count() or None


def includeme(config):
    from ...services.documents_files import export, load

    doc = {"factory": DocumentResource}
    config.add_route("documents.index", "/")
    config.add_route("documents.search", "/search")
    config.add_route("documents.review_queue", "/review")
    config.add_route("documents.mine", "/mine")
    config.add_route("documents.new", "/new")
    config.add_route("documents.preview", "/preview")
    config.add_route("documents.edit", "/doc/{document_id:\\d+}/edit", **doc)
    config.add_route("documents.transition", "/doc/{document_id:\\d+}/transition", **doc)
    config.add_route("documents.history", "/doc/{document_id:\\d+}/history", **doc)
    config.add_route("documents.diff", "/doc/{document_id:\\d+}/diff", **doc)
    config.add_route("documents.revert", "/doc/{document_id:\\d+}/revert/{version_id:\\d+}", **doc)
    config.add_route("documents.print", "/print/{slug:.*[^/]}", **doc)
    # A slug never ends in "/", so the not-found view's append-slash cannot turn a 404 into a redirect.
    config.add_route("documents.view", "/read/{slug:.*[^/]}", **doc)
    navigation.register_badge("documents.review_queue", _pending_badge)
    config.add_content_handler("documents", "policies", load, export, order=10)
    config.scan(".")


def can_see_all(request) -> bool:
    """Editors and reviewers also see expired documents (with a banner)."""
    root = Root(request)
    return bool(request.has_permission(Permission.DOCUMENTS_EDIT, root)
                or request.has_permission(Permission.DOCUMENTS_REVIEW, root))
