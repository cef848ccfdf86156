"""A course's owner (scoped grant) edits it and submits it for review without the
trainer role — through the same working copy and review as trainers; nobody else
without the role can, and deleting stays with trainers."""

from sqlalchemy import func, select

from cs_handbook.models.accounts import Grant, Scope, ScopedRole
from cs_handbook.models.training import Course
from tests import factories
from tests import factories_training as ft
from tests.conftest import csrf_token, login


def _own(account, course):
    factories.GrantFactory(account=account, role=ScopedRole.OWNER, scope_type=Scope.COURSE, scope_id=course.id)


def _state(dbsession, slug):
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return dbsession.scalar(select(Course.review_state).where(Course.slug == slug))


def test_owner_edits_and_submits_their_course_only(testapp, dbsession):
    ft.documents("handbook/basics/what-is-service")
    mine = ft.course("mine", ("a", "reading", "handbook/basics/what-is-service"))
    ft.course("theirs", ("a", "reading", "handbook/basics/what-is-service"))
    owner = factories.AccountFactory(username="owner")
    _own(owner, mine)
    login(testapp, "owner")
    # Their course is listed on their onboarding page, the other is not.
    page = testapp.get("/training/")
    assert "/training/courses/mine" in page.text and "/training/courses/theirs" not in page.text
    form = testapp.get("/training/courses/mine").forms["course"]
    form.set("title", "我的课程（修订）", index=0)
    form.submit("submit", status=303)
    dbsession.commit()
    # A working copy: the published course keeps its title until a reviewer approves.
    assert dbsession.scalar(select(Course.title).where(Course.slug == "mine")) != "我的课程（修订）"
    assert dbsession.scalar(select(Course.draft).where(Course.slug == "mine"))["title"] == "我的课程（修订）"
    assert _state(dbsession, "mine") == "draft"
    token = csrf_token(testapp)
    response = testapp.post("/training/courses/mine/workflow", {"csrf_token": token, "action": "submit"},
                            status=303)
    # No course list for them: back to the course, which offers no publishing.
    assert response.location.endswith("/training/courses/mine")
    assert _state(dbsession, "mine") == "pending"
    page = testapp.get("/training/courses/mine")
    assert "/review" not in page.text and "/training/courses\"" not in page.text
    testapp.post("/training/courses/mine/workflow", {"csrf_token": token, "action": "approve"}, status=400)
    testapp.get("/training/courses/mine/review", status=403)
    assert _state(dbsession, "mine") == "pending"
    # Deleting is the trainers' business; the other course is not theirs at all.
    testapp.post("/training/courses/mine/delete", {"csrf_token": token}, status=403)
    testapp.get("/training/courses/theirs", status=403)
    testapp.post("/training/courses/theirs/workflow", {"csrf_token": token, "action": "submit"}, status=403)
    testapp.get("/training/courses", status=403)
    assert _state(dbsession, "theirs") is None
    assert dbsession.scalar(select(func.count()).select_from(Course)) == 2


def test_staff_without_grant_cannot_edit(testapp, dbsession):
    ft.course("mine", ("a", "reading", "handbook/basics/what-is-service"))
    factories.AccountFactory(username="someone")
    login(testapp, "someone")
    testapp.get("/training/courses/mine", status=403)
    testapp.post("/training/courses/mine/workflow", {"csrf_token": csrf_token(testapp), "action": "submit"},
                 status=403)
    assert _state(dbsession, "mine") is None


def test_author_owns_the_course_they_create_and_keeps_it_without_the_role(testapp, dbsession):
    teacher = factories.AccountFactory(username="teacher", roles=["trainer"])
    login(testapp, "teacher")
    form = testapp.get("/training/courses/new").forms["course"]
    form["slug"] = "fresh"
    form.set("title", "新课程", index=0)
    form.submit("submit", status=303)
    dbsession.commit()
    course = dbsession.scalar(select(Course).where(Course.slug == "fresh"))
    assert dbsession.scalar(select(Grant.account_id).where(
        Grant.role == ScopedRole.OWNER, Grant.scope_type == Scope.COURSE, Grant.scope_id == course.id)) == teacher.id
    # The trainer role goes; the course stays theirs.
    for grant in list(teacher.grants):
        if grant.scope_type == Scope.SITE:
            dbsession.delete(grant)
    dbsession.commit()
    testapp.reset()
    login(testapp, "teacher")
    testapp.get("/training/courses", status=403)
    assert "fresh" in testapp.get("/training/courses/fresh").text


def test_deleting_a_course_drops_its_owner_grants(testapp, dbsession):
    owner = factories.AccountFactory(username="owner")
    gone = ft.course("gone", ("a", "reading", "handbook/basics/what-is-service"))
    _own(owner, gone)
    factories.AccountFactory(username="teacher", roles=["trainer"])
    login(testapp, "teacher")
    testapp.get("/training/courses/gone/delete").forms["training-delete"].submit(status=303)
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(Grant).where(Grant.scope_type == Scope.COURSE)) == 0
