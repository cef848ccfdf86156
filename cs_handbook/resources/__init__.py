"""Resources built by route factories; each carries the ACL its views check.

The root ACL maps the global roles to what they may do anywhere. Resources
of one thing (a document, a person's progress, an attempt) extend it with
rules that depend on that thing's state, owner and scoped grants.
"""

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated

from ..models.accounts import GlobalRole
from ..permissions import Permission as P

STAFF = Authenticated

ROOT_ACL = [
    (Allow, "role:admin", ALL_PERMISSIONS),
    (
        Allow,
        STAFF,
        (
            P.ACCOUNT_SELF,
            P.DOCUMENTS_READ,
            P.DRILL_PRACTISE,
            P.QA_DISPUTE,
            P.QA_OWN_VIEW,
            P.QUIZZES_TAKE,
            P.SEARCH,
            P.TRAINING_LEARN,
        ),
    ),
    (
        Allow,
        f"role:{GlobalRole.TRAINER}",
        (
            P.DOCUMENTS_CREATE,
            P.DOCUMENTS_EDIT,
            P.DOCUMENTS_HISTORY,
            P.DRILL_MANAGE,
            P.QUIZZES_AUTHOR,
            P.QUIZZES_GRADE,
            P.QUIZZES_RESULTS,
            P.TRAINING_AUTHOR,
        ),
    ),
    (Allow, f"role:{GlobalRole.REVIEWER}", (P.DOCUMENTS_HISTORY, P.DOCUMENTS_REVIEW)),
    (
        Allow,
        f"role:{GlobalRole.MANAGER}",
        (
            P.DOCUMENTS_HISTORY,
            P.DRILL_TEAM_VIEW,
            P.QA_LEDGER,
            P.QUIZZES_RESULTS,
            P.REPORTS_TEAM,
            P.TRAINING_MANAGE,
            P.TRAINING_PROGRESS_VIEW,
        ),
    ),
    (Allow, f"role:{GlobalRole.QA}", (P.QA_EVALUATE, P.QA_LEDGER)),
    # Mentors are staff with at least one mentee grant.
    (Allow, "role:mentor", (P.TRAINING_MENTOR, P.TRAINING_PROGRESS_VIEW)),
]


class Root:
    """The default context: the site, guarded by the root ACL."""

    __name__ = ""
    __parent__ = None

    def __init__(self, request):
        self.request = request

    def __acl__(self):
        return ROOT_ACL
