"""Demo data: enrol the demo new hires and give newhire2 a day of progress."""

from ...models.training import ItemKind
from ...services.training import TrainingError, TrainingService


def build_demo(request, accounts, progress):
    service = request.find_service(TrainingService)
    progress.start("demo onboarding", 2)
    for username in ("newhire1", "newhire2"):
        person = accounts.get(username)
        if person is None:
            continue
        try:
            if service.enrolment_for(person.id) is None:
                service.enrol(person)
        except TrainingError:
            # The training content is not loaded: nothing to enrol on.
            progress.step(username)
            continue
        progress.step(username)
    progress.done()
    person, mentor = accounts.get("newhire2"), accounts.get("mentor")
    if person is None or mentor is None or service.enrolment_for(person.id) is None:
        return
    # newhire2 started yesterday: day one's readings read, the shadowing signed off.
    for row in service.summary(person).rows:
        if row.step.due_day != 0 or row.done:
            continue
        if row.item.kind == ItemKind.READING:
            service.open_item(person, row.item.id)
            service.confirm_read(person, row.item.id)
        elif row.item.kind == ItemKind.PRACTICAL:
            signoff = service.request_signoff(person, row.item.id, "")
            service.decide(mentor, signoff, True, "表现认真，记录完整。")
