"""Demo data of the drill: items from the default content and a few days of answers for the new hires."""

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
                item = entry.card.item
                response = {"order": item.answer["order"]} if "order" in item.answer else {
                    "value": str(item.answer["value"])}
                svc.answer(account.id, entry.id, response)
