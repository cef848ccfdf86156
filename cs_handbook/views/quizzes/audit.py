"""Audit records of the quizzes area (the admin's audit log): who changed a key, a mark, the bank, a quiz.

Actions (`AuditAction.QUIZ_*`, in words in audit_words.py): quiz.created, quiz.settings_changed,
quiz.key_fixed (with the attempts regraded), quiz.essay_marked (with the mark before, for a re-mark),
quiz.bank_imported, quiz.question_deleted. Each lands in the transaction of the change it records.
"""

from ...services.audit import AuditService


def record(request, action: str, target_type: str, target_id, detail: dict) -> None:
    request.find_service(AuditService).record(action, actor=request.identity.account, target_type=target_type,
                                              target_id=target_id, detail=detail, ip=request.client_addr or "")
