"""Resources of the documents area: one document, found by slug or id.

The owner of a document (scoped grant `grant:owner:document:<id>`) may edit
it and see its history even without the trainer role.
"""

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPNotFound

from ..models.documents import Document
from ..permissions import Permission as P
from . import ROOT_ACL, Root


class DocumentResource(Root):
    def __init__(self, request):
        super().__init__(request)
        from ..services.documents import DocumentService

        # Kept for the page's view: looking the service up again costs as much as a small query.
        self.service = service = request.find_service(DocumentService)
        match = request.matchdict or {}
        if "document_id" in match:
            self.document = request.dbsession.get(Document, int(match["document_id"]))
        else:
            self.document = service.by_slug(match.get("slug", ""))
        if self.document is None:
            raise HTTPNotFound()

    def __acl__(self):
        owner = f"grant:owner:document:{self.document.id}"
        return [(Allow, owner, (P.DOCUMENTS_EDIT, P.DOCUMENTS_HISTORY)), *ROOT_ACL]
