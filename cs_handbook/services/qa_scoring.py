"""Scorecards and disputes: the evaluator's verdict, the agent's dispute, its decision — all in the audit log.

A scorecard is consistent at every step: `passed` is always "every
criterion meets the standard". Upholding a dispute amends the disputed
criteria on the card (so the agent's page never says 合格 above a ✗);
once a dispute is decided the card is locked, and while one is open the
card waits for the decision. Nobody scores, or decides a dispute about,
their own transcript. Re-scoring a finished card before any dispute is
allowed and recorded, criterion by criterion.
"""

from typing import TYPE_CHECKING

from ..events import CriterionFailed
from ..i18n import _
from ..models.accounts import Account
from ..models.qa import CRITERIA, Dispute, Evaluation
from .audit import AuditAction

if TYPE_CHECKING:
    from pyramid.registry import Registry
    from pyramid.request import Request
    from sqlalchemy.orm import Session

    from ..clock import Clock
    from .audit import AuditService

QA_SCORED = AuditAction.QA_SCORED
QA_RESCORED = AuditAction.QA_RESCORED
QA_DISPUTED = AuditAction.QA_DISPUTED
QA_DISPUTE_DECIDED = AuditAction.QA_DISPUTE_DECIDED
QA_RULES_CHANGED = AuditAction.QA_RULES_CHANGED

DISPUTE_STATUS_TITLES = {
    "open": _("open, waiting for the evaluator"),
    "accepted": _("upheld: the scorecard was amended"),
    "rejected": _("rejected: the scorecard stands"),
}


class QAError(ValueError):
    """A refused QA action; `msgid` is translatable."""

    def __init__(self, msgid, mapping=None, status=400):
        super().__init__(msgid)
        self.msgid, self.mapping, self.status = msgid, mapping or {}, status


def failed_criteria(evaluation: Evaluation) -> list[str]:
    return [name for name in CRITERIA if not evaluation.criteria.get(name, {}).get("ok", True)]


class Scorecards:
    """The scoring half of QAService (which supplies dbsession, clock, registry, request and audit)."""

    if TYPE_CHECKING:
        dbsession: Session
        clock: Clock
        registry: Registry | None
        request: Request | None
        audit: AuditService | None

    def _record(self, action: str, actor: Account, evaluation: Evaluation, **detail) -> None:
        if self.audit is not None:
            ip = getattr(self.request, "client_addr", "") or ""
            self.audit.record(action, actor=actor, target_type="qa_evaluation", target_id=evaluation.id,
                              detail=detail, ip=ip)

    def _notify_failed(self, evaluation: Evaluation, names) -> None:
        if self.registry is not None:
            for name in names:
                self.registry.notify(CriterionFailed(self.request, evaluation.agent_id, name, evaluation.id))

    def score(self, evaluation: Evaluation, evaluator: Account, ok_by_criterion: dict[str, bool],
              notes: dict[str, str], comment: str = "") -> None:
        if evaluation.agent_id == evaluator.id:
            raise QAError(_("Nobody scores their own transcripts."), status=403)
        if any(d.status == "open" for d in evaluation.disputes):
            raise QAError(_("The agent disputes this scorecard: decide the dispute first."), status=409)
        if evaluation.disputes:
            raise QAError(_("This scorecard is locked: its dispute was decided."), status=409)
        if set(ok_by_criterion) != set(CRITERIA):
            raise QAError(_("Every criterion of the scorecard needs a verdict."))
        before = {name: evaluation.criteria.get(name, {}).get("ok") for name in CRITERIA}
        was_final, was_passed = evaluation.status == "final", evaluation.passed
        criteria = {}
        for name in CRITERIA:
            auto = evaluation.criteria.get(name, {}).get("auto")
            criteria[name] = {"ok": bool(ok_by_criterion[name]), "auto": auto, "note": notes.get(name, "")[:500]}
        evaluation.criteria = criteria
        evaluation.passed = all(entry["ok"] for entry in criteria.values())
        evaluation.comment = comment[:2000]
        evaluation.evaluator_id = evaluator.id
        evaluation.status = "final"
        evaluation.finalised_at = self.clock.now()
        failing = [name for name in CRITERIA if not criteria[name]["ok"]]
        if was_final:
            changes = {name: [before[name], criteria[name]["ok"]] for name in CRITERIA
                       if before[name] != criteria[name]["ok"]}
            self._record(QA_RESCORED, evaluator, evaluation, changes=changes,
                         passed=[was_passed, evaluation.passed])
            self._notify_failed(evaluation, [n for n in failing if before[n]])
        else:
            overrides = [name for name in CRITERIA if criteria[name]["auto"] not in (None, criteria[name]["ok"])]
            self._record(QA_SCORED, evaluator, evaluation, passed=evaluation.passed, failed=failing,
                         overrides=overrides)
            self._notify_failed(evaluation, failing)

    def open_dispute(self, evaluation: Evaluation, agent: Account, comment: str, criteria=()) -> Dispute:
        if evaluation.agent_id != agent.id:
            raise QAError(_("You can only dispute your own evaluations."), status=403)
        if evaluation.status != "final":
            raise QAError(_("Only a finished evaluation can be disputed."))
        if any(d.status == "open" for d in evaluation.disputes):
            raise QAError(_("This evaluation already has an open dispute."), status=409)
        if evaluation.disputes:
            raise QAError(_("This evaluation's dispute was already decided."), status=409)
        failed = failed_criteria(evaluation)
        if not failed:
            raise QAError(_("This transcript passed: there is nothing to dispute."))
        chosen = [name for name in CRITERIA if name in set(criteria)] or failed
        if not set(chosen) <= set(failed):
            raise QAError(_("Only criteria marked as not met can be disputed."))
        dispute = Dispute(evaluation=evaluation, agent_id=agent.id, comment=comment, criteria=chosen,
                          status="open", created_at=self.clock.now())
        self.dbsession.add(dispute)
        self._record(QA_DISPUTED, agent, evaluation, criteria=chosen)
        return dispute

    def resolve_dispute(self, dispute: Dispute, resolver: Account, accept: bool, resolution: str,
                        amend=()) -> None:
        """Decide a dispute. Upholding it amends the criteria in `amend` (default: those disputed) to met."""
        evaluation = dispute.evaluation
        if evaluation.agent_id == resolver.id:
            raise QAError(_("Nobody decides a dispute about their own transcript."), status=403)
        if dispute.status != "open":
            raise QAError(_("This dispute was already resolved."), status=409)
        amended = []
        if accept:
            failed = failed_criteria(evaluation)
            amended = [name for name in CRITERIA if name in set(amend or dispute.criteria or failed)]
            if not amended or not set(amended) <= set(failed):
                raise QAError(_("Upholding a dispute amends at least one criterion marked as not met."))
            criteria = {name: dict(entry) for name, entry in evaluation.criteria.items()}
            for name in amended:
                criteria[name].update(ok=True, amended=True)
            was_passed = evaluation.passed
            evaluation.criteria = criteria
            evaluation.passed = all(entry["ok"] for entry in criteria.values())
        dispute.status = "accepted" if accept else "rejected"
        dispute.resolver_id = resolver.id
        dispute.resolution = resolution
        dispute.resolved_at = self.clock.now()
        self._record(QA_DISPUTE_DECIDED, resolver, evaluation, decision=dispute.status, amended=amended,
                     **({"passed": [was_passed, evaluation.passed]} if accept else {}))
