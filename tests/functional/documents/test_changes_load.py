"""Staff's "what changed" (published versions only) and content-load problems in the reader's language."""

import io

from pyramid.scripting import prepare

from cs_handbook.scripts.cli import build_parser
from cs_handbook.scripts.progress import Progress
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def _published_twice_then_draft(dbsession):
    """v1 and v2 published, v3 a working copy nobody approved."""
    document = make_document("policies/refunds", title="退款规定", body="七日内退款。")
    svc = service(dbsession)
    document = svc.by_id(document.id)
    svc.save(document, base_version_id=document.latest_version_id, title="退款规定", body_md="十五日内退款。")
    svc.transition(document, "submit")
    svc.transition(document, "approve")
    svc.save(document, base_version_id=document.latest_version_id, title="退款规定", body_md="草稿：三十日内退款。")
    dbsession.commit()
    versions = {v.number: v.id for v in svc.versions(document)}
    return document, versions


def test_staff_see_what_changed_between_published_versions_only(testapp, dbsession, clock):
    staff_account, trainer_account = AccountFactory(), AccountFactory(roles=["trainer"])
    document, versions = _published_twice_then_draft(dbsession)
    staff = _client(testapp, staff_account.username)
    page = staff.get(f"/handbook/doc/{document.id}/diff")
    assert "<del>七</del>" in page.text and "<ins>十五</ins>" in page.text
    assert "三十日" not in page.text  # the working copy stays unseen
    # Naming the draft by hand does not show it either.
    staff.get(f"/handbook/doc/{document.id}/diff?a={versions[2]}&b={versions[3]}", status=404)
    staff.get(f"/handbook/doc/{document.id}/diff?a={versions[3]}&b={versions[2]}", status=404)
    assert "<ins>十五</ins>" in staff.get(f"/handbook/doc/{document.id}/diff?a={versions[1]}&b={versions[2]}").text
    # Editors compare any two versions from the history page.
    trainer = _client(testapp, trainer_account.username)
    assert "<th>v3</th>" in trainer.get(f"/handbook/doc/{document.id}/diff?a={versions[2]}&b={versions[3]}").text


def test_first_published_version_says_there_is_nothing_to_compare(testapp, dbsession, clock):
    document = make_document("policies/once", title="只发布一次", body="正文。")
    staff = _client(testapp, AccountFactory().username)
    page = staff.get(f"/handbook/doc/{document.id}/diff")
    assert "没有更早的版本可以比较" in page.text and "table class=\"diff\"" not in page.text


def test_unpublished_or_expired_document_has_no_changes_for_staff(testapp, dbsession, clock):
    draft = make_document("policies/draft-only", publish=False)
    expired = make_document("policies/old", data={"effective": "2025-01-01", "expires": "2026-01-01"})
    staff = _client(testapp, AccountFactory().username)
    staff.get(f"/handbook/doc/{draft.id}/diff", status=404)
    staff.get(f"/handbook/doc/{expired.id}/diff", status=404)


def _run_load(app, root, *extra):
    out = io.StringIO()
    env = prepare(registry=app.registry)
    try:
        args = build_parser().parse_args(["x.ini", "content", "load", "--root", str(root), *extra])
        status = args.func(env, args, Progress(stream=out))
    finally:
        env["closer"]()
    return status, out.getvalue()


def _bad_content(tmp_path):
    policies = tmp_path / "policies"
    (policies / "policies").mkdir(parents=True)
    (policies / "policies" / "bad.md").write_text("---\ntitle: 规则\nsummary: [unclosed\nsources: []\n---\n",
                                                  encoding="utf-8")
    (policies / "policies" / "no-front.md").write_text("正文，没有文件头。\n", encoding="utf-8")
    (policies / "handbook" / "nowhere").mkdir(parents=True)
    (policies / "handbook" / "nowhere" / "page.md").write_text(
        "---\ntitle: 页面\nsummary: 摘要\nsources: ['001']\n---\n\n正文\n", encoding="utf-8")
    (policies / "policies" / "good.md").write_text("---\ntitle: 好规则\nsummary: 摘要\nsources: ['001']\n---\n\n正文\n",
                                                   encoding="utf-8")
    return tmp_path


def test_content_load_problems_in_chinese_by_default_and_english_on_request(app, dbsession, tmp_path):
    root = _bad_content(tmp_path)
    status, text = _run_load(app, root)  # the test site's default locale is zh_CN
    assert status == 1
    assert "policies/bad.md:3：YAML 格式有误" in text or "policies/bad.md:4：YAML 格式有误" in text
    assert "policies/no-front.md:1：文件必须以一行“---”开头" in text
    assert "handbook/nowhere/page.md:1：未知栏目 handbook/nowhere：该文件夹没有 _section.yaml" in text
    assert "内容载入：新建 1" in text and "有错误的文件未载入" in text
    status, text = _run_load(app, root, "--lang", "en")
    assert status == 1
    assert "policies/no-front.md:1: the file must start with a '---' line" in text
    assert "unknown section handbook/nowhere" in text and "the files with errors were not loaded" in text
    # The good file was loaded; the bad ones were not.
    dbsession.rollback()
    svc = service(dbsession)
    assert svc.by_slug("policies/good") is not None
    assert svc.by_slug("policies/bad") is None and svc.by_slug("handbook/nowhere/page") is None


def test_content_load_conflict_reported_in_chinese(app, dbsession, tmp_path):
    folder = tmp_path / "policies" / "policies"
    folder.mkdir(parents=True)
    page = folder / "rule.md"
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n原文\n", encoding="utf-8")
    assert _run_load(app, tmp_path)[0] == 0
    svc = service(dbsession)
    document = svc.by_slug("policies/rule")
    svc.save(document, base_version_id=document.latest_version_id, title="规则", body_md="网页修改")
    dbsession.commit()
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n文件修改\n", encoding="utf-8")
    status, text = _run_load(app, tmp_path)
    assert status == 0 and "policies/rule.md：上次载入后已在网站上修改，本文件未载入" in text


def test_diff_with_bad_version_ids_is_a_400_not_a_500(testapp, dbsession, clock):
    document, versions = _published_twice_then_draft(dbsession)
    for account in (AccountFactory(), AccountFactory(roles=["trainer"])):
        client = _client(testapp, account.username)
        for bad in ("99999999999999999999999", "3000000000", "²", "-5", "0", "abc", ""):
            page = client.get(f"/handbook/doc/{document.id}/diff", {"a": bad, "b": versions[2]}, status=400)
            assert "请选择两个要比较的版本" in page.text
        client.get(f"/handbook/doc/{document.id}/diff?a={versions[1]}", status=400)
        # A well-formed id of no version of this document is simply not found.
        client.get(f"/handbook/doc/{document.id}/diff?a=999999999&b={versions[2]}", status=404)


def test_content_export_reports_in_the_sites_language(app, dbsession, tmp_path):
    make_document("policies/exported", title="导出")
    out = io.StringIO()
    env = prepare(registry=app.registry)
    try:
        args = build_parser().parse_args(["x.ini", "content", "export", "--root", str(tmp_path)])
        assert args.func(env, args, Progress(stream=out)) == 0
    finally:
        env["closer"]()
    assert "内容导出：写入 1 个文件" in out.getvalue()
    assert (tmp_path / "policies" / "policies" / "exported.md").exists()
