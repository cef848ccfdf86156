"""Resources of the training pages: one person's progress, one sign-off, one course or path.

A person's progress (and certificate) is seen by the person, their mentor
and the managers of their team only — not by every manager — so these ACLs
do not extend the root ACL (which lets any manager view progress) except
for admins.

The owner of a course (scoped grant `grant:owner:course:<id>`) may edit it
and move it through the review workflow without the trainer role; deleting
a course stays with trainers.
"""

from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone
from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select

from ..ids import parse_id
from ..models.accounts import Account
from ..models.training import Course, SignOff, TrainingPath
from ..permissions import Permission as P
from . import ROOT_ACL, Root


def person_acl(person: Account) -> list:
    acl = [
        (Allow, "role:admin", ALL_PERMISSIONS),
        (Allow, f"u:{person.id}", (P.TRAINING_LEARN, P.TRAINING_PROGRESS_VIEW)),
        (Allow, f"grant:mentor:account:{person.id}", (P.TRAINING_PROGRESS_VIEW, P.TRAINING_MENTOR)),
    ]
    if person.team_id:
        acl.append((Allow, f"grant:manager:team:{person.team_id}",
                    (P.TRAINING_PROGRESS_VIEW, P.TRAINING_MENTOR, P.TRAINING_MANAGE)))
    acl.append((Deny, Everyone, ALL_PERMISSIONS))
    return acl


def _int(request, name) -> int:
    found = parse_id(request.matchdict.get(name))
    if found is None:
        raise HTTPNotFound()
    return found


class PersonResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.person = request.dbsession.get(Account, _int(request, "account_id"))
        if self.person is None:
            raise HTTPNotFound()

    def __acl__(self):
        return person_acl(self.person)


class SignOffResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.signoff = request.dbsession.get(SignOff, _int(request, "signoff_id"))
        if self.signoff is None:
            raise HTTPNotFound()
        self.person = request.dbsession.get(Account, self.signoff.account_id)

    def __acl__(self):
        return person_acl(self.person)


class CourseResource(Root):
    def __init__(self, request):
        super().__init__(request)
        slug = request.matchdict["slug"]
        self.course = request.dbsession.scalar(select(Course).where(Course.slug == slug))
        if self.course is None:
            raise HTTPNotFound()


class OwnedCourseResource(CourseResource):
    """A course as its owner may change it (edit, submit for review)."""

    def __acl__(self):
        return [(Allow, f"grant:owner:course:{self.course.id}", P.TRAINING_AUTHOR), *ROOT_ACL]


class PathResource(Root):
    def __init__(self, request):
        super().__init__(request)
        code = request.matchdict["code"]
        self.path = request.dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == code))
        if self.path is None:
            raise HTTPNotFound()
