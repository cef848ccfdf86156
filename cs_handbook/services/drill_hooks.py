"""How the drill hears about the rest of the site: published documents and failed QA criteria.

- `DocumentPublished` → regenerate that document's items (changed items keep
  their cards, flagged for review); role and script documents also feed other
  documents' distractors, but only the published document is rewritten.
- `DocumentArchived` → that document's items go to needs-review (cards kept);
  `DocumentRestored` or a new publication brings them back.
- `CriterionFailed` → targeted items: the paragraphs that teach the failed
  criterion (`drill_targets.CRITERION_TARGETS`).
"""

from pathlib import Path

from ..events import CriterionFailed, DocumentArchived, DocumentPublished, DocumentRestored
from .drill_generate import SHARED_KINDS, SourceDoc, generate, load_folder
from .drill_targets import criterion_targets

KINDS = ("handbook", "policy", "role", "scripts")


def published_sources(request) -> list[SourceDoc] | None:
    """Every published document as a `SourceDoc`, or None when the documents area is not available."""
    try:
        from .documents import DocumentService
        service = request.find_service(DocumentService)
    except (ImportError, LookupError, ValueError):
        return None
    docs = []
    for kind in KINDS:
        for d in service.published_of_kind(kind):
            docs.append(SourceDoc(slug=d.slug, kind=d.kind, title=d.title, data=d.data, version=str(d.version_id)))
    return docs


def folder_sources(request) -> list[SourceDoc]:
    here = Path(request.registry.settings.get("here") or Path(__file__).resolve().parents[2])
    return load_folder(here / "policies")


def regenerate_all(request, progress=None):
    """Regenerate every item from published content (or from `policies/` when nothing is published);
    items of documents no longer published (archived, withdrawn) go to needs-review."""
    from .drill import DrillService
    docs = published_sources(request) or folder_sources(request)
    specs = generate(docs)
    if progress is not None:
        progress.start("drill items", len(specs))
    service = request.find_service(DrillService)
    slugs = {d.slug for d in docs}
    report = service.regenerate(specs, slugs, progress)
    report.stale += service.retire_sources(keep=slugs)
    return docs, report


def regenerate_document(request, slug: str) -> None:
    """Regenerate one document's items from what is published now (other documents give the distractors).

    Role profiles and script sets lend their duties and phrases to each other's items, so a change to one
    regenerates them all (items whose content did not change stay as they are)."""
    from .drill import DrillService
    docs = published_sources(request) or []
    document = next((d for d in docs if d.slug == slug), None)
    if document is None:
        return  # not readable by staff (effective later, or never published): nothing to drill yet
    slugs = {d.slug for d in docs if d.kind == document.kind} if document.kind in SHARED_KINDS else {slug}
    specs = generate(docs, only_slugs=slugs)
    request.find_service(DrillService).regenerate(specs, slugs)


def on_document_published(event: DocumentPublished) -> None:
    regenerate_document(event.request, event.slug)


def on_document_archived(event: DocumentArchived) -> None:
    """Staff cannot open an archived document: its items leave the drill (needs-review, cards kept)."""
    from .drill import DrillService
    event.request.find_service(DrillService).retire_sources({event.slug})


def on_document_restored(event: DocumentRestored) -> None:
    """A restored document that staff can read again brings its items back as they are now."""
    regenerate_document(event.request, event.slug)


def on_criterion_failed(event: CriterionFailed) -> None:
    """The paragraphs that teach the failed criterion come into the agent's drill (see drill_targets)."""
    from .drill import DrillService
    service = event.request.find_service(DrillService)
    account = service.account(event.account_id)
    targets = criterion_targets(event.criterion, account.position.code if account.position else None)
    if targets:
        service.add_targeted_items(event.account_id, targets, f"qa:{event.criterion}:{event.evaluation_id}")


def includeme(config):
    config.add_subscriber(on_document_published, DocumentPublished)
    config.add_subscriber(on_criterion_failed, CriterionFailed)
    config.add_subscriber(on_document_archived, DocumentArchived)
    config.add_subscriber(on_document_restored, DocumentRestored)
