"""Quiz events of the audit log in words (the admin's audit page asks here for them).

Events keep codes (setting names, question ids, counts); the reader sees the
settings' titles, the question's id and what the counts mean.
"""

from ...i18n import _
from ...services.audit import AuditAction

ACTION_TITLES = {
    AuditAction.QUIZ_CREATED: _("Quiz created"),
    AuditAction.QUIZ_SETTINGS_CHANGED: _("Quiz changed"),
    AuditAction.QUIZ_KEY_FIXED: _("Answer key fixed"),
    AuditAction.QUIZ_ESSAY_MARKED: _("Essay marked"),
    AuditAction.QUIZ_BANK_IMPORTED: _("Questions imported"),
    AuditAction.QUIZ_QUESTION_DELETED: _("Question deleted"),
}
SETTING_TITLES = {
    "title": _("Title"),
    "description": _("Description"),
    "pass_mark": _("Pass mark (%)"),
    "time_limit_minutes": _("Time limit (minutes)"),
    "attempts_allowed": _("Attempts allowed (0 = unlimited)"),
    "grading": _("Grading method"),
    "shuffle_questions": _("Shuffle questions"),
    "shuffle_options": _("Shuffle options"),
    "one_per_page": _("One question per page"),
    "review_marks": _("Review shows the marks"),
    "review_answers": _("Review shows the right answers"),
    "review_feedback": _("Review shows the feedback (explanations, option feedback, comments)"),
    "review_sources": _("Review shows links to the source documents"),
    "open_at": _("Opening time"),
    "close_at": _("Closing time"),
    "slots": _("Questions, in the order of the quiz"),
}
IMPORT_COUNTS = (("created", _("New questions")), ("updated", _("Questions updated")),
                 ("unchanged", _("Questions unchanged")), ("refused", _("Questions refused")))


def is_quiz_event(event) -> bool:
    return event.action in ACTION_TITLES


def target(event, text) -> str:
    detail = event.detail or {}
    if event.target_type == "quiz":
        return text(_("Quiz ${slug}", mapping={"slug": detail.get("slug", event.target_id)}))
    if event.target_type in ("question", "question_version"):
        return text(_("Question ${ident}", mapping={"ident": detail.get("question", event.target_id)}))
    if event.target_type == "attempt_answer":
        return text(_("An answer of attempt #${attempt} at ${quiz}",
                      mapping={"attempt": detail.get("attempt", "?"), "quiz": detail.get("quiz", "")}))
    return text(_("Question bank"))


def details(event, text) -> list[tuple[str, str]]:
    detail = event.detail or {}
    shown = []
    if isinstance(detail.get("changed"), list) and event.action == AuditAction.QUIZ_SETTINGS_CHANGED:
        names = "、".join(text(SETTING_TITLES.get(name, name)) for name in detail["changed"])
        shown.append((text(_("Changed")), names or "—"))
    if event.action == AuditAction.QUIZ_KEY_FIXED:
        shown.append((text(_("Version")), str(detail.get("version", "—"))))
        shown.append((text(_("Attempts regraded")), str(detail.get("regraded", 0))))
    if event.action == AuditAction.QUIZ_ESSAY_MARKED:
        mark = f"{detail.get('mark')} / {detail.get('points')}"
        before = detail.get("before")
        shown.append((text(_("Mark")), mark if before is None else f"{before} → {mark}"))
    if event.action == AuditAction.QUIZ_BANK_IMPORTED:
        if detail.get("file"):
            shown.append((text(_("File")), str(detail["file"])))
        shown += [(text(title), str(detail[key])) for key, title in IMPORT_COUNTS if key in detail]
    return shown
