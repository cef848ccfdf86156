"""Resources of the QA pages: one evaluation, one dispute.

The agent may see and dispute their own evaluations, a manager may see
those of their teams, QA evaluators score; nobody else may look.
"""

from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone
from pyramid.httpexceptions import HTTPNotFound

from ..models.qa import Dispute, Evaluation
from ..permissions import Permission as P
from . import ROOT_ACL, Root


def evaluation_acl(evaluation: Evaluation) -> list:
    agent = evaluation.transcript.agent
    acl = [
        (Allow, "role:admin", ALL_PERMISSIONS),
        (Allow, "role:qa", (P.QA_EVALUATE, P.QA_OWN_VIEW)),
        (Allow, f"u:{agent.id}", (P.QA_OWN_VIEW, P.QA_DISPUTE)),
    ]
    if agent.team_id:
        acl.append((Allow, f"grant:manager:team:{agent.team_id}", P.QA_OWN_VIEW))
    # Everyone else is refused here even though staff may see their own QA
    # pages in general (the root ACL).
    acl.append((Deny, Everyone, (P.QA_OWN_VIEW, P.QA_DISPUTE, P.QA_EVALUATE)))
    return acl + ROOT_ACL


class EvaluationResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.evaluation = request.dbsession.get(Evaluation, int(request.matchdict["evaluation_id"]))
        if self.evaluation is None:
            raise HTTPNotFound()

    def __acl__(self):
        return evaluation_acl(self.evaluation)


class DisputeResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.dispute = request.dbsession.get(Dispute, int(request.matchdict["dispute_id"]))
        if self.dispute is None:
            raise HTTPNotFound()

    def __acl__(self):
        return evaluation_acl(self.dispute.evaluation)
