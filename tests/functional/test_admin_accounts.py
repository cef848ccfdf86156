"""An admin creates, edits, disables and re-enables accounts, and grants roles."""

from datetime import date

import pytest
from sqlalchemy import select

from cs_handbook.models.accounts import Account, Grant, Scope, ScopedRole
from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import AccountFactory, GrantFactory, PositionFactory, TeamFactory
from tests.factories_documents import make_document
from tests.factories_training import CourseFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app


def _events(dbsession, action):
    fresh(dbsession)
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _account(dbsession, username) -> Account:
    fresh(dbsession)
    return dbsession.scalar(select(Account).where(Account.username == username))


def _mentor_grants(dbsession, mentee_id):
    fresh(dbsession)
    return list(dbsession.scalars(select(Grant).where(
        Grant.role == ScopedRole.MENTOR, Grant.scope_type == Scope.ACCOUNT, Grant.scope_id == mentee_id)))


def _admin(testapp):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")


def _check_role(form, role):
    for field in form.fields.get("checkbox", ()):
        if field._value == role:
            field.checked = True
            return
    raise AssertionError(f"no checkbox for {role}")


def test_admin_creates_an_account_with_every_field(testapp, dbsession):
    team = TeamFactory(name="客服一组")
    position = PositionFactory(code="cs-agent", name="客户服务人员")
    mentor = AccountFactory(username="laoshi", display_name="李老师")
    ids = {"team": team.id, "position": position.id, "mentor": mentor.id}
    _admin(testapp)
    form = testapp.get("/admin/accounts/new").forms["account"]
    form["username"] = "  Xiao.Wang "
    form["display_name"] = "小王"
    form["email"] = "xiaowang@example.com"
    form["position_id"] = str(ids["position"])
    form["team_id"] = str(ids["team"])
    form["start_date"] = "2026-03-02"
    form["mentor_id"] = str(ids["mentor"])
    form["language"] = "en"
    form["password"] = form["password-confirm"] = "a-long-password"
    _check_role(form, "trainer")
    response = form.submit("submit", status=303).follow()
    assert "xiao.wang" in response.text

    account = _account(dbsession, "xiao.wang")
    assert (account.display_name, account.email, account.language) == ("小王", "xiaowang@example.com", "en")
    assert (account.position_id, account.team_id, account.start_date) == (
        ids["position"], ids["team"], date(2026, 3, 2))
    assert account.mentor_id == ids["mentor"] and account.global_roles == {"trainer"}
    assert [g.account_id for g in _mentor_grants(dbsession, account.id)] == [ids["mentor"]]
    created = _events(dbsession, "account.created")
    assert [(e.actor_name, e.target_id, e.ip) for e in created] == [("boss", str(account.id), "127.0.0.1")]
    assert created[0].at is not None
    assert [e.detail["role"] for e in _events(dbsession, "grant.added") if e.target_id == str(account.id)] == [
        "trainer"]
    # The new person signs in with the initial password.
    testapp.reset()
    login(testapp, "xiao.wang", "a-long-password")


def test_duplicate_or_bad_username_is_a_400_and_nothing_saved(testapp, dbsession):
    AccountFactory(username="taken")
    _admin(testapp)
    for username, message in (("taken", "已被占用"), ("坏名字", "小写字母")):
        form = testapp.get("/admin/accounts/new").forms["account"]
        form["username"], form["display_name"] = username, "某人"
        form["password"] = form["password-confirm"] = "a-long-password"
        response = form.submit("submit", status=400)
        assert message in response.text
    fresh(dbsession)
    assert dbsession.query(Account).count() == 2


def test_admin_edits_fields_roles_and_the_mentor(testapp, dbsession):
    first, second = AccountFactory(username="mentor1"), AccountFactory(username="mentor2")
    person = AccountFactory(username="person", display_name="旧名", roles=["reviewer"])
    ids = {"first": first.id, "second": second.id, "person": person.id}
    _admin(testapp)
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["display_name"] = "新名"
    form["mentor_id"] = str(ids["first"])
    for field in form.fields["checkbox"]:
        field.checked = field._value == "qa"
    form.submit("submit", status=303)
    account = _account(dbsession, "person")
    assert account.display_name == "新名" and account.global_roles == {"qa"}
    assert [g.account_id for g in _mentor_grants(dbsession, ids["person"])] == [ids["first"]]
    assert {e.detail["role"] for e in _events(dbsession, "grant.removed")} == {"reviewer"}
    assert _events(dbsession, "account.updated")[-1].detail["changes"] == {
        "display_name": ["旧名", "新名"], "mentor_id": [None, ids["first"]]}

    # Another mentor: the old mentor grant goes, the new one comes.
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["mentor_id"] = str(ids["second"])
    form.submit("submit", status=303)
    assert [g.account_id for g in _mentor_grants(dbsession, ids["person"])] == [ids["second"]]
    # No mentor: no grant.
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["mentor_id"] = ""
    form.submit("submit", status=303)
    assert _account(dbsession, "person").mentor_id is None
    assert _mentor_grants(dbsession, ids["person"]) == []


def test_an_inactive_mentor_is_refused_and_nothing_is_half_saved(testapp, dbsession):
    good = AccountFactory(username="good")
    gone = AccountFactory(username="gone")
    person = AccountFactory(username="person", display_name="原名")
    ids = {"good": good.id, "gone": gone.id, "person": person.id}
    _admin(testapp)
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["mentor_id"] = str(ids["good"])
    form.submit("submit", status=303)
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    gone = _account(dbsession, "gone")
    gone.is_active = False
    dbsession.commit()
    form["display_name"] = "不该保存"
    form["mentor_id"] = str(ids["gone"])
    response = form.submit("submit", status=400)
    assert "导师必须是启用中的账号" in response.text
    account = _account(dbsession, "person")
    assert account.display_name == "原名" and account.mentor_id == ids["good"]
    assert [g.account_id for g in _mentor_grants(dbsession, ids["person"])] == [ids["good"]]


def test_ids_that_are_not_choices_are_field_errors_and_nothing_is_saved(testapp, dbsession):
    team = TeamFactory(name="客服一组")
    person = AccountFactory(username="person", display_name="原名", team=team)
    gone = AccountFactory(username="gone", disabled=True)
    ids = {"person": person.id, "team": team.id, "gone": gone.id}
    _admin(testapp)
    cases = [
        ("team_id", "999999", "请从列表中选择团队"),
        ("team_id", "99999999999999999999", "请从列表中选择团队"),
        ("team_id", "²", "不是数字"),
        ("position_id", "999999", "请从列表中选择岗位"),
        ("mentor_id", "999999", "导师必须是启用中的账号"),
        ("mentor_id", str(ids["gone"]), "导师必须是启用中的账号"),
    ]
    for name, value, message in cases:
        form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
        form["display_name"] = "不该保存"
        form[name].force_value(value)
        error = form.submit("submit", status=400).html.select_one(f"#error-{form[name].id}")
        assert message in error.text, (name, value)
    account = _account(dbsession, "person")
    assert (account.display_name, account.team_id, account.mentor_id) == ("原名", ids["team"], None)
    # The same on a new account, in English.
    testapp.post("/language", {"language": "en", "came_from": "/",
                               "csrf_token": testapp.get("/admin/accounts/new").forms["account"]["csrf_token"].value})
    form = testapp.get("/admin/accounts/new").forms["account"]
    form["username"], form["display_name"] = "newbie", "新人"
    form["password"] = form["password-confirm"] = "a-long-password"
    form["team_id"].force_value("999999")
    assert "Choose a team from the list." in form.submit("submit", status=400).text
    assert _account(dbsession, "newbie") is None


def test_a_disabled_mentor_stays_when_other_fields_are_saved(testapp, dbsession):
    mentor = AccountFactory(username="oldmentor")
    person = AccountFactory(username="person", display_name="原名")
    ids = {"mentor": mentor.id, "person": person.id}
    _admin(testapp)
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["mentor_id"] = str(ids["mentor"])
    form.submit("submit", status=303)
    _account(dbsession, "oldmentor").is_active = False
    dbsession.commit()
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    assert form["mentor_id"].value == str(ids["mentor"])
    form["display_name"] = "新名"
    form.submit("submit", status=303)
    account = _account(dbsession, "person")
    assert (account.display_name, account.mentor_id) == ("新名", ids["mentor"])


def _status_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/status"))


def test_disable_and_re_enable(testapp, app, dbsession):
    person = AccountFactory(username="leaver")
    person_id = person.id
    _admin(testapp)
    page = testapp.get(f"/admin/accounts/{person_id}")
    page = _status_form(page).submit(status=303).follow()
    assert not _account(dbsession, "leaver").is_active
    assert "已停用" in page.text
    other = type(testapp)(testapp.app, extra_environ={"REMOTE_ADDR": "10.0.0.3", "HTTP_HOST": "localhost"})
    assert "用户名或密码错误" in login(other, "leaver", status=400).text
    _status_form(page).submit(status=303)
    assert _account(dbsession, "leaver").is_active
    login(other, "leaver")
    assert [e.actor_name for e in _events(dbsession, "account.disabled")] == ["boss"]
    assert [e.target_id for e in _events(dbsession, "account.enabled")] == [str(person_id)]


def test_admin_cannot_disable_themself_and_bad_status_is_400(testapp, dbsession):
    _admin(testapp)
    boss_id = _account(dbsession, "boss").id
    page = testapp.get(f"/admin/accounts/{boss_id}")
    assert "不能停用自己的账号" in _status_form(page).submit(status=400).text
    token = page.forms["account"]["csrf_token"].value
    testapp.post(f"/admin/accounts/{boss_id}/status", {"csrf_token": token, "active": "maybe"}, status=400)
    assert _account(dbsession, "boss").is_active


def _grant_form(page, role):
    return page.forms[f"grant-{role.replace(':', '-')}"]


def _add_grant(testapp, account_id, role, scope_id, status=303):
    form = _grant_form(testapp.get(f"/admin/accounts/{account_id}"), role)
    form["scope_id"].force_value(str(scope_id))
    return form.submit("submit", status=status)


def _grant_list(page):
    return [li.get_text(" ", strip=True).rsplit(" ", 1)[0] for li in page.html.select("ul.grants li")]


def test_scoped_grants_are_picked_by_name_shown_by_name_and_removed(testapp, dbsession):
    team = TeamFactory(name="客服一组")
    manager = AccountFactory(username="lead", display_name="组长")
    mentee = AccountFactory(username="xiaoming", display_name="张小明")
    course = CourseFactory(title="新人入职第一天")
    document = make_document("handbook/basics/page", title="客户服务的含义")
    ids = {"team": team.id, "lead": manager.id, "mentee": mentee.id, "course": course.id, "doc": document.id}
    _admin(testapp)
    page = testapp.get(f"/admin/accounts/{ids['lead']}")
    # Each kind offers its targets by name; nobody is their own new hire.
    assert ("客服一组" in [text for _v, _s, text in _grant_form(page, "manager:team")["scope_id"].options])
    people = [text for _v, _s, text in _grant_form(page, "mentor:account")["scope_id"].options]
    assert "张小明 (xiaoming)" in people and not any("lead" in p for p in people)
    assert "owner:quiz" not in page.text and "grant-owner-quiz" not in page.forms
    _add_grant(testapp, ids["lead"], "manager:team", ids["team"])
    _add_grant(testapp, ids["lead"], "owner:course", ids["course"])
    _add_grant(testapp, ids["lead"], "owner:document", ids["doc"])
    # Mentor of a person: the mentee's mentor field follows.
    _add_grant(testapp, ids["lead"], "mentor:account", ids["mentee"])
    assert _account(dbsession, "xiaoming").mentor_id == ids["lead"]
    grants = {(g.role, g.scope_type, g.scope_id) for g in _account(dbsession, "lead").grants}
    assert grants == {("manager", "team", ids["team"]), ("owner", "course", ids["course"]),
                      ("owner", "document", ids["doc"]), ("mentor", "account", ids["mentee"])}
    added = [(e.actor_name, e.target_id, e.detail["role"], e.detail["scope_type"], e.detail["scope_id"], e.ip)
             for e in _events(dbsession, "grant.added")]
    lead = str(ids["lead"])
    assert added == [("boss", lead, "manager", "team", ids["team"], "127.0.0.1"),
                     ("boss", lead, "owner", "course", ids["course"], "127.0.0.1"),
                     ("boss", lead, "owner", "document", ids["doc"], "127.0.0.1"),
                     ("boss", lead, "mentor", "account", ids["mentee"], "127.0.0.1")]
    page = testapp.get(f"/admin/accounts/{ids['lead']}")
    assert sorted(_grant_list(page)) == sorted(["团队经理 · 客服一组", "导师 · 张小明 (xiaoming)",
                                                "课程负责人 · 新人入职第一天", "文档负责人 · 客户服务的含义"])

    # Removing each: the mentor grant also clears the mentee's field.
    for grant in list(_account(dbsession, "lead").grants):
        form = next(f for f in page.forms.values() if f.action.endswith(f"/grants/{grant.id}/remove"))
        form.submit(status=303)
    assert _account(dbsession, "lead").grants == []
    assert _account(dbsession, "xiaoming").mentor_id is None
    removed = [(e.target_id, e.detail["role"], e.detail["scope_type"]) for e in _events(dbsession, "grant.removed")]
    assert sorted(removed) == sorted([(lead, "manager", "team"), (lead, "owner", "course"),
                                      (lead, "owner", "document"), (lead, "mentor", "account")])
    assert _grant_list(testapp.get(f"/admin/accounts/{ids['lead']}")) == ["无。"]


def test_grant_targets_of_a_large_site_are_listed_a_few_at_a_time_and_found_by_a_filter(testapp, dbsession):
    """A site with thousands of documents does not put them all in the page: the list is short, a
    filter (a plain GET form) narrows it on the server, and any target that exists is accepted."""
    from cs_handbook.services.grant_targets import LIST_LIMIT

    person_id = AccountFactory(username="lead").id
    courses = [CourseFactory(title=f"课程{n:03d}") for n in range(LIST_LIMIT + 5)]
    wanted = CourseFactory(title="附：新人入职第一天")  # sorts after 课
    last_id, wanted_id = courses[-1].id, wanted.id
    make_document("handbook/basics/page", title="客户服务的含义")
    _admin(testapp)
    page = testapp.get(f"/admin/accounts/{person_id}")
    listed = [text for value, _s, text in _grant_form(page, "owner:course")["scope_id"].options if value]
    assert len(listed) == LIST_LIMIT and "附：新人入职第一天" not in listed and "课程000" in listed
    assert "只列出前 50 项" in page.text
    # Only the long list gets a filter; the document list is short.
    filters = {f.fields["find"][0].value: f for f in page.forms.values() if "find" in f.fields}
    assert set(filters) == {"owner:course"}
    filters["owner:course"]["q"] = "入职"
    page = filters["owner:course"].submit()
    assert [text for value, _s, text in _grant_form(page, "owner:course")["scope_id"].options if value] == [
        "附：新人入职第一天"]
    assert page.html.select_one("#find-grant-owner-course")["value"] == "入职"
    form = _grant_form(page, "owner:course")
    form["scope_id"] = str(wanted_id)
    form.submit("submit", status=303)
    # By id too; and a course the short list did not show is accepted when it exists.
    page = testapp.get(f"/admin/accounts/{person_id}", {"find": "owner:course", "q": str(last_id)})
    assert [v for v, _s, _t in _grant_form(page, "owner:course")["scope_id"].options if v] == [str(last_id)]
    _add_grant(testapp, person_id, "owner:course", courses[LIST_LIMIT + 1].id)
    assert {g.scope_id for g in _account(dbsession, "lead").grants} == {wanted_id, courses[LIST_LIMIT + 1].id}
    # Nothing found, or a filter that is nonsense: the page says so or ignores it, never a 500.
    page = testapp.get(f"/admin/accounts/{person_id}", {"find": "owner:course", "q": "不存在的课程"})
    assert "没有与“不存在的课程”相符的项。" in page.text and "grant-owner-course" not in page.forms
    for params in ({"find": "owner:quiz", "q": "x"}, {"find": "owner:course", "q": "\x00" + "长" * 500},
                   {"find": "owner:course", "q": "99999999999999999999"}, {"find": "owner:course", "q": "%_"}):
        assert testapp.get(f"/admin/accounts/{person_id}", params).status_int == 200
    # A target that is not there is still refused.
    _add_grant(testapp, person_id, "owner:course", wanted_id + 1000, status=400)


def test_a_mentor_grant_moves_the_mentee_from_their_old_mentor(testapp, dbsession):
    old, new = AccountFactory(username="old.mentor"), AccountFactory(username="new.mentor")
    mentee = AccountFactory(username="mentee")
    ids = {"old": old.id, "new": new.id, "mentee": mentee.id}
    _admin(testapp)
    _add_grant(testapp, ids["old"], "mentor:account", ids["mentee"])
    _add_grant(testapp, ids["new"], "mentor:account", ids["mentee"])
    assert [g.account_id for g in _mentor_grants(dbsession, ids["mentee"])] == [ids["new"]]
    assert [e.target_id for e in _events(dbsession, "grant.removed")] == [str(ids["old"])]
    assert [e.target_id for e in _events(dbsession, "grant.added")] == [str(ids["old"]), str(ids["new"])]
    assert _events(dbsession, "account.updated") == []


def test_a_grant_on_something_gone_is_shown_as_removed(testapp, dbsession):
    person = AccountFactory(username="person")
    GrantFactory(account=person, role="owner", scope_type="course", scope_id=424242)
    person_id = person.id
    _admin(testapp)
    page = testapp.get(f"/admin/accounts/{person_id}")
    assert _grant_list(page) == ["课程负责人 · （已删除，#424242）"]
    # With no course or document on the site, their forms say so instead of offering an empty list.
    assert "grant-owner-course" not in page.forms and "课程负责人" in page.text and "暂无可选项" in page.text


def test_bad_grants_are_400_with_a_message(testapp, dbsession):
    person_id = AccountFactory(username="person").id
    gone_id = AccountFactory(username="gone", disabled=True).id
    team_id = TeamFactory().id
    CourseFactory()
    document_id = make_document("handbook/basics/other", title="别的文档").id
    _admin(testapp)
    for role, scope_id in (("mentor:account", 99999), ("manager:team", 0), ("owner:course", 42),
                           ("owner:course", "99999999999999999999"), ("owner:document", document_id + 1000),
                           ("owner:course", document_id + 1000),
                           ("manager:team", "²"), ("mentor:account", person_id), ("mentor:account", gone_id),
                           ("manager:team", "")):
        response = _add_grant(testapp, person_id, role, scope_id, status=400)
        form = _grant_form(response, role)
        error = response.html.select_one(f"#error-{form['scope_id'].id}")
        assert error is not None and error.text.strip(), (role, scope_id)
    # The form is kept for another try, next to the others.
    assert _grant_form(response, "owner:course") is not None
    token = response.forms["grant-manager-team"]["csrf_token"].value
    for role in ("owner:quiz", "admin:site", "", "manager:account"):
        response = testapp.post(f"/admin/accounts/{person_id}/grants",
                                {"csrf_token": token, "role": role, "scope_id": str(team_id)}, status=400)
        assert "未知的授权类型" in response.text
    assert _account(dbsession, "person").grants == []
    assert _events(dbsession, "grant.added") == []
    testapp.post(f"/admin/accounts/{person_id}/grants/12345/remove", {"csrf_token": token}, status=400)


def test_global_roles_are_not_removed_through_the_grant_route(testapp, dbsession):
    person = AccountFactory(username="person", roles=["trainer"])
    person_id, grant_id = person.id, person.grants[0].id
    _admin(testapp)
    token = testapp.get(f"/admin/accounts/{person_id}").forms["account"]["csrf_token"].value
    testapp.post(f"/admin/accounts/{person_id}/grants/{grant_id}/remove", {"csrf_token": token}, status=400)
    assert _account(dbsession, "person").global_roles == {"trainer"}


def test_account_list_filters(testapp, dbsession):
    team = TeamFactory(name="客服九组")
    AccountFactory(username="inteam", display_name="组内", team=team)
    AccountFactory(username="quitter", display_name="离职", disabled=True)
    team_id = team.id
    _admin(testapp)
    page = testapp.get("/admin/accounts", {"team": str(team_id)})
    assert "inteam" in page.text and "quitter" not in page.text
    page = testapp.get("/admin/accounts", {"status": "disabled"})
    assert "quitter" in page.text and "inteam" not in page.text
    page = testapp.get("/admin/accounts", {"q": "组内"})
    assert "inteam" in page.text and "quitter" not in page.text
    # A team filter that is no id lists every team (not a 500).
    for junk in ("x", "²", "99999999999999999999", "0", "-1"):
        page = testapp.get("/admin/accounts", {"team": junk, "status": "weird", "q": "x" * 5000}, status=200)
        page = testapp.get("/admin/accounts", {"team": junk})
        assert "inteam" in page.text and "quitter" in page.text


def test_admin_adds_a_team(testapp, dbsession):
    _admin(testapp)
    form = testapp.get("/admin/teams").forms["team"]
    form["name"] = "夜班组"
    form.submit("submit", status=303)
    form = testapp.get("/admin/teams").forms["team"]
    form["name"] = "夜班组"
    assert "已有同名团队" in form.submit("submit", status=400).text
    form["name"] = "另一组"
    form["timezone"].force_value("Mars/Olympus")
    assert "未知的时区" in form.submit("submit", status=400).text
    assert "夜班组" in testapp.get("/admin/accounts/new").text



def test_only_the_admin_can_tell_which_account_ids_exist(testapp, dbsession):
    known = AccountFactory(username="someone").id
    unknown = known + 1000
    AccountFactory(username="chief", roles=["manager"])
    AccountFactory(username="boss", roles=["admin"])

    def answers(method, account_id, suffix):
        response = testapp.request(f"/admin/accounts/{account_id}{suffix}", method=method, status="*")

        def but_for_the_id(text):
            return text.replace(f"accounts/{account_id}", "accounts/ID").replace(f"accounts%2F{account_id}",
                                                                                   "accounts%2FID")

        return response.status_int, but_for_the_id(response.headers.get("Location", "")), but_for_the_id(response.text)

    def same_for_both(method, suffix):
        known_answer = answers(method, known, suffix)
        assert answers(method, unknown, suffix) == known_answer
        return known_answer[0]

    # Anonymous: sent to sign in, whether the account exists or not.
    assert same_for_both("GET", "") == 303
    for suffix in ("", "/grants", "/status", "/grants/1/remove"):
        assert same_for_both("POST", suffix) in (303, 400, 403)

    login(testapp, "chief")
    testapp.get("/account/password")  # the welcome message is shown once, here
    assert same_for_both("GET", "") == 403
    token = testapp.get("/account/password").forms["deform"]["csrf_token"].value
    for suffix in ("/grants", "/status", "/grants/1/remove"):
        testapp.post(f"/admin/accounts/{unknown}{suffix}", {"csrf_token": token, "active": "0"}, status=403)
        testapp.post(f"/admin/accounts/{known}{suffix}", {"csrf_token": token, "active": "0"}, status=403)

    testapp.post("/signout", {"csrf_token": token}, status=303)
    login(testapp, "boss")
    testapp.get(f"/admin/accounts/{unknown}", status=404)
    testapp.get(f"/admin/accounts/{known}", status=200)
    assert _account(dbsession, "someone").is_active
