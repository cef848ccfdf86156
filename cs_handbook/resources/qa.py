"""Resources of the QA pages: one evaluation, one dispute, the ledger rules.

The agent may see and dispute their own evaluations, a manager may see
those of their teams, QA evaluators score — but nobody scores or decides
a dispute about their own transcript; nobody else may look. The ledger
rules apply to the whole organisation: admins change them, and managers
who hold the manager role for every team.
"""

from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone
from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select

from ..ids import parse_id
from ..models.accounts import GlobalRole, Team
from ..models.qa import Dispute, Evaluation
from ..permissions import Permission as P
from . import ROOT_ACL, Root


def evaluation_acl(evaluation: Evaluation) -> list:
    agent = evaluation.transcript.agent
    acl = [
        # First: not even an admin scores their own transcript.
        (Deny, f"u:{agent.id}", P.QA_EVALUATE),
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


def _found(request, model, key):
    found_id = parse_id(request.matchdict[key])  # the route's \d also matches "١٢"
    found = request.dbsession.get(model, found_id) if found_id is not None else None
    if found is None:
        raise HTTPNotFound()
    return found


class EvaluationResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.evaluation = _found(request, Evaluation, "evaluation_id")

    def __acl__(self):
        return evaluation_acl(self.evaluation)


class DisputeResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.dispute = _found(request, Dispute, "dispute_id")

    def __acl__(self):
        return evaluation_acl(self.dispute.evaluation)


def manages_every_team(request) -> bool:
    identity = request.identity
    if identity is None or not identity.has_role(GlobalRole.MANAGER):
        return False
    from ..services.accounts import AccountService

    teams = set(request.dbsession.scalars(select(Team.id)))
    return bool(teams) and teams <= request.find_service(AccountService).managed_team_ids(identity.account)


class LedgerRulesResource(Root):
    """The organisation-wide ledger rules (a site setting, hence SETTINGS_MANAGE)."""

    def __acl__(self):
        acl = []
        if manages_every_team(self.request):
            acl.append((Allow, f"u:{self.request.identity.id}", P.SETTINGS_MANAGE))
        return acl + ROOT_ACL
