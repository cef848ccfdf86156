"""Creating and editing documents on the web: what a trainer makes, and bad input refused with a message."""

import pytest

from cs_handbook.models.documents import Document, DocumentSection, DocumentVersion
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def form_pairs(form, **values) -> list:
    """The form's fields as posted, with `values` set by name (a date by the name of its mapping)."""
    pairs, mapping = [], None
    for name, value in form.submit_fields():
        field = value.split(":")[0]
        if name == "__start__" and value.endswith(":sequence") and field in values:
            # A multiple select: its chosen options, instead of the form's, between the markers.
            chosen = values[field] if isinstance(values[field], list) else [values[field]]
            pairs += [(name, value)] + [(field, option) for option in chosen]
            mapping = ("replaced", field)
            continue
        if isinstance(mapping, tuple):
            if name == "__end__":
                mapping = None
                pairs.append((name, value))
            continue
        if name == "__start__":
            mapping = value.split(":")[0]
        elif name == "__end__":
            mapping = None
        elif mapping and name == "date" and mapping in values:
            value = values[mapping]
        elif mapping is None and name in values:
            value = values[name]
        pairs.append((name, value))
    return pairs + [("submit", "submit")]


def _sections(dbsession):
    dbsession.add_all([DocumentSection(path="handbook/basics", title="服务基础", order=10),
                       DocumentSection(path="policies", title="管理制度", order=20)])
    dbsession.commit()


def _count(dbsession, model) -> int:
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    return dbsession.query(model).count()


NEW = {"slug": "handbook/basics/new-page", "section": "handbook/basics", "title": "新页面",
       "body_md": "## 概述\n\n正文。", "summary": "一句话", "tags": "服务，礼仪", "comment": "初稿"}


def test_a_trainer_creates_a_draft_on_the_web(testapp, dbsession, clock):
    _sections(dbsession)
    trainer_account = AccountFactory(roles=["trainer"])
    trainer = _client(testapp, trainer_account.username)
    page = trainer.get("/handbook/new")
    response = trainer.post("/handbook/new", form_pairs(page.forms["document"], **NEW, review_due="2026-09-01"),
                            status=303)
    dbsession.rollback()
    document = dbsession.query(Document).filter_by(slug="handbook/basics/new-page").one()
    assert response.location.endswith(f"/handbook/doc/{document.id}/edit")
    assert document.state == "draft" and document.owner_id == trainer_account.id
    assert document.section.path == "handbook/basics" and document.published_version_id is None
    version = document.latest_version
    assert version.title == "新页面" and version.tags == ["服务", "礼仪"] and version.comment == "初稿"
    assert version.data == {"review_due": "2026-09-01"} and "<h2>概述</h2>" in version.body_html
    assert "新页面" in trainer.get("/handbook/mine").text


@pytest.mark.parametrize("values, message", [
    ({"title": "长" * 201}, "最大长度 200"),
    ({"title": ""}, "必需"),
    ({"title": "标\x00题"}, "控制字符"),
    ({"body_md": ""}, "必需"),
    ({"body_md": "字" * 200_001}, "200000"),
    ({"effective": "2026-05-01", "expires": "2026-01-01"}, "失效日期必须晚于生效日期"),
    ({"effective": "2026-02-30"}, "日期"),
    ({"slug": "Handbook/X"}, "handbook/"),
    ({"slug": "handbook/" + "a" * 300}, "最大长度 200"),
    ({"slug": "policies/taken", "section": "policies"}, "已存在"),
    ({"tags": "长" * 51}, "最多 20 个标签"),
    ({"summary": "长" * 1001}, "最大长度 1000"),
])
def test_bad_input_on_the_new_form_is_a_400_with_a_message_and_saves_nothing(testapp, dbsession, clock, values,
                                                                              message):
    _sections(dbsession)
    make_document("policies/taken", title="已有")
    trainer = _client(testapp, AccountFactory(roles=["trainer"]).username)
    documents = _count(dbsession, Document)
    page = trainer.get("/handbook/new")
    refused = trainer.post("/handbook/new", form_pairs(page.forms["document"], **{**NEW, **values}), status=400)
    assert message in refused.text
    assert _count(dbsession, Document) == documents


@pytest.mark.parametrize("values, message", [
    ({"title": "长" * 201}, "最大长度 200"),
    ({"body_md": ""}, "必需"),
    ({"effective": "2026-05-01", "expires": "2026-01-01"}, "失效日期必须晚于生效日期"),
    ({"base_version_id": "99999999999999999999"}, ""),
])
def test_bad_input_on_the_edit_form_adds_no_version(testapp, dbsession, clock, values, message):
    document = make_document("policies/rule", body="原文")
    trainer = _client(testapp, AccountFactory(roles=["trainer"]).username)
    page = trainer.get(f"/handbook/doc/{document.id}/edit")
    refused = trainer.post(f"/handbook/doc/{document.id}/edit", form_pairs(page.forms["document"], **values),
                           status=400)
    assert message in refused.text
    assert _count(dbsession, DocumentVersion) == 1


def test_review_due_list_drafts_and_recently_updated(testapp, dbsession, clock):
    trainer_account, staff_account = AccountFactory(roles=["trainer"]), AccountFactory()
    due = make_document("policies/due", title="到期核实", data={"review_due": "2026-03-01"}, author=trainer_account)
    make_document("policies/later", title="以后核实", data={"review_due": "2026-04-01"}, author=trainer_account)
    make_document("policies/someone-else", title="别人的到期", data={"review_due": "2026-02-01"})
    make_document("policies/my-draft", title="我的草稿", publish=False, author=trainer_account)
    make_document("policies/other-draft", title="别人的草稿", publish=False)
    trainer = _client(testapp, trainer_account.username)
    mine = trainer.get("/handbook/mine").text
    mine_part, all_part = mine.split("到期需复核的文档（全部）")
    assert "到期核实" in mine_part and "2026-03-01" in mine_part and "以后核实" not in mine
    assert "我的草稿" in mine_part and "别人的草稿" not in mine
    assert "别人的到期" in all_part and "别人的到期" not in mine_part
    assert f"/handbook/doc/{due.id}/edit" in mine_part
    staff = _client(testapp, staff_account.username)
    recent = staff.get("/handbook/").text.split('class="doc-recent"')[1]
    assert "到期核实" in recent and "我的草稿" not in recent


def test_an_owner_grant_lets_a_staff_member_edit_and_submit_but_not_approve(testapp, dbsession, clock):
    from datetime import UTC, datetime

    from cs_handbook.models.accounts import Grant, Scope, ScopedRole

    owner = AccountFactory()
    document = make_document("policies/owned", body="原文")
    other = make_document("policies/not-owned", body="原文")
    dbsession.add(Grant(account_id=owner.id, role=ScopedRole.OWNER, scope_type=Scope.DOCUMENT, scope_id=document.id,
                        created_at=datetime(2026, 3, 1, tzinfo=UTC)))
    dbsession.commit()
    client = _client(testapp, owner.username)
    form = client.get(f"/handbook/doc/{document.id}/edit").forms["document"]
    form["body_md"] = "负责人修改"
    form.submit("submit", status=303)
    history = client.get(f"/handbook/doc/{document.id}/history")
    token = history.forms[0]["csrf_token"].value
    client.post(f"/handbook/doc/{document.id}/transition", {"action": "submit", "csrf_token": token}, status=303)
    client.post(f"/handbook/doc/{document.id}/transition", {"action": "approve", "csrf_token": token}, status=403)
    client.get(f"/handbook/doc/{other.id}/edit", status=403)
    dbsession.rollback()
    assert dbsession.get(Document, document.id).state == "pending"


@pytest.mark.parametrize("slug, section, message", [
    ("roles/x", "handbook/basics", "请以 handbook/basics/ 开头"),
    ("handbook/nope/x", "", "没有哪个栏目使用文件夹 handbook/nope"),
    ("handbook/basics/x", "handbook/nope", "请从列表中选择一个栏目"),
])
def test_a_new_document_lives_in_its_sections_folder(testapp, dbsession, clock, slug, section, message):
    _sections(dbsession)
    trainer = _client(testapp, AccountFactory(roles=["trainer"]).username)
    page = trainer.get("/handbook/new")
    refused = trainer.post("/handbook/new", form_pairs(page.forms["document"], **{**NEW, "slug": slug,
                                                                                 "section": section}), status=400)
    assert message in refused.text and "不是这些值" not in refused.text
    assert _count(dbsession, Document) == 0


def test_a_new_document_without_a_chosen_section_goes_to_its_folders_section(testapp, dbsession, clock):
    _sections(dbsession)
    trainer = _client(testapp, AccountFactory(roles=["trainer"]).username)
    page = trainer.get("/handbook/new")
    trainer.post("/handbook/new", form_pairs(page.forms["document"], **{**NEW, "section": ""}), status=303)
    dbsession.rollback()
    assert dbsession.query(Document).one().section.path == "handbook/basics"
