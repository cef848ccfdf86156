"""Demo data of the drill: items from the default content and a few days of answers for the new hires."""

from ...services import drill_bank
from ...services.drill import DrillService
from ...services.drill_hooks import regenerate_all


def build_demo(request, accounts, progress):
    _docs, report = regenerate_all(request, progress)
    progress.done(f"{report.created} created, {report.updated} updated")
    svc = request.find_service(DrillService)
    for username in ("newhire1", "newhire2"):
        account = accounts.get(username)
        if account is None:
            continue
        for entry in svc.queue(account.id)[:2]:
            if entry.answered_at is None:
                svc.answer(account.id, entry.id, right_response(request.dbsession, entry.card.item))


def right_response(dbsession, item) -> dict:
    version = drill_bank.version_of(dbsession, item)
    if version is not None:
        return drill_bank.right_form(version)
    for shape in ("order", "match"):
        if shape in item.answer:
            return {shape: list(item.answer[shape])}
    return {"value": str(item.answer["value"])}
