"""Resources of the quiz pages: a quiz by slug, an attempt by id, an answer (for essay grading).

An attempt may be taken (saved, finished) only by its owner: the ACL allows
`quizzes:take` to `u:<owner>` and denies it to everyone else before the root
ACL, so not even an admin writes into someone's attempt. Reviewing it is open
to the owner, trainers (root ACL: results) and managers of the owner's team.
"""

from pyramid.authorization import Allow, Deny, Everyone
from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import bindparam, select

from ..ids import parse_id
from ..models.accounts import Account, GlobalRole
from ..models.quizzes import Attempt, AttemptQuestion, Question, QuestionVersion, Quiz
from ..permissions import Permission as P
from . import ROOT_ACL, Root


class QuizResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.quiz = request.dbsession.scalar(select(Quiz).where(Quiz.slug == request.matchdict["slug"]))
        if self.quiz is None:
            raise HTTPNotFound()


# The attempt's owner and their team: all its ACL needs.
OWNER_QUERY = (select(Attempt.id, Attempt.account_id, Account.team_id)
               .join(Account, Account.id == Attempt.account_id)
               .where(Attempt.id == bindparam("attempt_id")))


def _id(request, name) -> int:
    found = parse_id(request.matchdict[name])
    if found is None:
        raise HTTPNotFound()
    return found


class AttemptResource(Root):
    def __init__(self, request, found=None):
        """`found`: the attempt's row of OWNER_QUERY when the caller has read it (the autosave's direct path)."""
        super().__init__(request)
        # The ACL needs the owner and their team only; the attempt itself is loaded
        # when a view asks for it (the autosave endpoint never does).
        if found is None:
            found = request.dbsession.connection().execute(
                OWNER_QUERY, {"attempt_id": _id(request, "attempt_id")}).first()
        if found is None:
            raise HTTPNotFound()
        self.attempt_id, self.owner_id, self.owner_team_id = found

    @property
    def attempt(self) -> Attempt:
        return self.request.dbsession.get(Attempt, self.attempt_id)

    def __acl__(self):
        acl = [(Allow, f"u:{self.owner_id}", (P.QUIZZES_TAKE, P.QUIZZES_REVIEW)),
               (Deny, Everyone, P.QUIZZES_TAKE),
               (Allow, "role:admin", P.QUIZZES_REVIEW),
               (Allow, f"role:{GlobalRole.TRAINER}", P.QUIZZES_REVIEW)]
        if self.owner_team_id is not None:
            acl.append((Allow, f"grant:manager:team:{self.owner_team_id}", P.QUIZZES_REVIEW))
        acl.append((Deny, Everyone, P.QUIZZES_REVIEW))
        return acl + ROOT_ACL


class AnswerResource(Root):
    """One question of one attempt (the essay grading form)."""

    def __init__(self, request):
        super().__init__(request)
        self.item = request.dbsession.get(AttemptQuestion, _id(request, "item_id"))
        if self.item is None:
            raise HTTPNotFound()


class QuestionResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.question = request.dbsession.get(Question, _id(request, "question_id"))
        if self.question is None:
            raise HTTPNotFound()


class VersionResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.version = request.dbsession.get(QuestionVersion, _id(request, "version_id"))
        if self.version is None:
            raise HTTPNotFound()


__all__ = ["AnswerResource", "AttemptResource", "QuestionResource", "QuizResource", "VersionResource"]
