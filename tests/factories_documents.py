"""Documents for tests, made through DocumentService so versions, workflow and index stay consistent."""

from datetime import UTC, datetime

from cs_handbook.clock import FixedClock
from cs_handbook.services.documents import DocumentService

from . import factories


def service(session) -> DocumentService:
    return DocumentService(session, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))


def make_document(slug="handbook/basics/page", *, kind=None, title="客户服务的含义", body="## 概述\n\n首问负责制。",
                  summary="摘要", tags=("服务",), data=None, publish=True, author=None, session=None):
    session = session or factories._session
    svc = service(session)
    kind = kind or {"handbook": "handbook", "policies": "policy", "roles": "role", "scripts": "scripts"}[
        slug.split("/")[0]]
    document = svc.create(slug=slug, kind=kind, title=title, body_md=body, summary=summary, tags=tags,
                          data=data or {}, author=author)
    if publish:
        svc.publish_now(document, author, "test")
    session.commit()
    return document
