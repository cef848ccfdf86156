"""How the drill hears about the rest of the site: published documents and failed QA criteria.

- `DocumentPublished` → regenerate that document's items (changed items keep
  their cards, flagged for review); role and script documents also feed other
  documents' distractors, but only the published document is rewritten.
- `CriterionFailed` → targeted items: manner criteria bring back the script
  sets, timeliness the first-response rule.
"""

from pathlib import Path

from ..events import CriterionFailed, DocumentPublished
from .drill_generate import SourceDoc, generate, load_folder

KINDS = ("handbook", "policy", "role", "scripts")
# QA criterion → what to drill (slug, or prefix ending in "/").
CRITERION_TARGETS = {
    "greeting": ["scripts/"],
    "closing": ["scripts/"],
    "wording": ["scripts/"],
    "attitude": ["scripts/"],
    "timeliness": ["policies/response-and-standard-scripts#fact:first-response"],
}


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
    """Regenerate every item from published content (or from `policies/` when nothing is published)."""
    from .drill import DrillService
    docs = published_sources(request) or folder_sources(request)
    specs = generate(docs)
    if progress is not None:
        progress.start("drill items", len(specs))
    report = request.find_service(DrillService).regenerate(specs, {d.slug for d in docs}, progress)
    return docs, report


def on_document_published(event: DocumentPublished) -> None:
    from .drill import DrillService
    request = event.request
    docs = published_sources(request) or []
    if not any(d.slug == event.slug for d in docs):
        return  # published but not yet current (effective later): nothing to drill yet
    specs = generate(docs, only_slugs={event.slug})
    request.find_service(DrillService).regenerate(specs, {event.slug})


def on_criterion_failed(event: CriterionFailed) -> None:
    from .drill import DrillService
    targets = CRITERION_TARGETS.get(event.criterion)
    if targets:
        event.request.find_service(DrillService).add_targeted_items(
            event.account_id, targets, f"qa:{event.criterion}:{event.evaluation_id}")


def includeme(config):
    config.add_subscriber(on_document_published, DocumentPublished)
    config.add_subscriber(on_criterion_failed, CriterionFailed)
