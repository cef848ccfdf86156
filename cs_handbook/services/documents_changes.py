"""What changed in a document's published version: the versions that were published, in order.

Kept apart from DocumentService so that staff's "what changed" view reads the
workflow history only (each publication is a transition naming its version).
"""

from sqlalchemy import select

from ..models.documents import Document, DocumentState, DocumentTransition


def published_version_ids(dbsession, document: Document) -> list[int]:
    """Every version that was ever published, oldest first."""
    rows = dbsession.scalars(select(DocumentTransition.version_id).where(
        DocumentTransition.document_id == document.id, DocumentTransition.to_state == DocumentState.PUBLISHED,
        DocumentTransition.version_id.is_not(None)).order_by(DocumentTransition.id))
    return list(dict.fromkeys(rows))


def previous_published_id(dbsession, document: Document) -> int | None:
    """The version published before the current one, if there was one."""
    current = document.published_version_id
    earlier = [v for v in published_version_ids(dbsession, document) if v != current]
    return earlier[-1] if current is not None and earlier else None
