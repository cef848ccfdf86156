"""Today's drill: one item at a time as a plain form, immediate feedback, streak and history."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.interfaces import IRoutesMapper
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ...i18n import _
from ...ids import parse_id
from ...models.drill import ItemKind
from ...permissions import Permission as P
from ...schemas.drill import parse_answer
from ...services import drill_bank
from ...services.drill import DrillError, DrillService

# Paragraphs the document page marks with an id (templates/documents/_body.jinja2): script situations
# (situation-<key>) and role-profile duties (duty-<number>). Facts and procedures are front matter the
# page does not show as such (the body tells them in prose): their links go to the top of the document.
LINKED_PARAGRAPHS = ("situation", "duty")


def source_url(request, item) -> str | None:
    """A link to the item's source paragraph (or document) once the documents area serves it."""
    if request.registry.getUtility(IRoutesMapper).get_route("documents.view") is None:
        return None
    kind, _sep, key = item.source_anchor.partition(":")
    anchor = {"_anchor": f"{kind}-{key}"} if kind in LINKED_PARAGRAPHS and key else {}
    return request.route_url("documents.view", slug=item.source_slug, **anchor)


def drill_error(request, err: DrillError):
    response = render_to_response("drill/error.jinja2", {"message": request.localizer.translate(
        _(err.msgid, mapping=err.mapping))}, request=request)
    response.status_int = err.status
    return response


@view_config(route_name="drill.today", renderer="drill/today.jinja2", request_method="GET",
             permission=P.DRILL_PRACTISE)
def today(request):
    svc = request.find_service(DrillService)
    me = request.identity.id
    queue = svc.day(me)
    feedback = None
    done_id = parse_id(request.GET.get("done", ""))
    if done_id is not None:
        try:
            entry = svc.entry(me, done_id)
        except DrillError:
            entry = None
        if entry is not None and entry.answered_at is not None:
            item = entry.card.item
            feedback = {"entry": entry, "item": item, "source_url": source_url(request, item)}
            version = _bank_version(request, item)
            if version is not None:
                feedback["bank_answer"] = drill_bank.right_answer(version)
    current = next((e for e in queue if e.answered_at is None), None)
    streak, best = svc.streak(me)
    version = _bank_version(request, current.card.item) if current else None
    return {
        "current": current,
        "item": current.card.item if current else None,
        "bank": drill_bank.present(current.card.item, version) if current and version is not None else None,
        "feedback": feedback,
        "answered": sum(1 for e in queue if e.answered_at is not None),
        "total": len(queue),
        "streak": streak,
        "best": best,
        "history": svc.history(me),
        "next_due": svc.next_due(me),
    }


def _bank_version(request, item):
    return drill_bank.version_of(request.dbsession, item) if item.kind == ItemKind.BANK_QUESTION else None


@view_config(route_name="drill.answer", request_method="POST", permission=P.DRILL_PRACTISE)
def answer(request):
    svc = request.find_service(DrillService)
    try:
        entry_id, response, confidence = parse_answer(request.POST)
        svc.answer(request.identity.id, entry_id, response, confidence)
    except DrillError as err:
        request.tm.doom()
        return drill_error(request, err)
    return HTTPSeeOther(request.route_url("drill.today", _query={"done": entry_id}))


def home_panel(request):
    """Read-only and one query: the home page must not build today's queue (the drill page does)."""
    if not request.is_authenticated or not request.has_permission(P.DRILL_PRACTISE):
        return None
    identity = request.identity
    figures = request.find_service(DrillService).panel(identity.id, identity.team_id)
    return {"title": _("Daily drill"), "template": "drill/_panel.jinja2", "drill": figures}
