"""Workflow, versions, working copy, concurrency, expiry and diff through the web pages."""

import re

from cs_handbook.models.documents import Document
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document


def _people():
    return {"trainer": AccountFactory(roles=["trainer"]), "reviewer": AccountFactory(roles=["reviewer"]),
            "staff": AccountFactory()}


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _edit(testapp, document_id, body, comment="改", status=303):
    page = testapp.get(f"/handbook/doc/{document_id}/edit")
    form = page.forms["document"]
    form["body_md"] = body
    form["comment"] = comment
    return form.submit("submit", status=status)


def _act(testapp, document_id, action, comment="", status=303):
    page = testapp.get(f"/handbook/doc/{document_id}/history")
    return testapp.post(f"/handbook/doc/{document_id}/transition",
                        {"action": action, "comment": comment, "csrf_token": _csrf(page)}, status=status)


def test_working_copy_review_and_publish(testapp, dbsession, clock):
    people = _people()
    document = make_document("policies/first-contact-ownership", body="首问负责，限时答复。")
    login(testapp, people["trainer"].username)
    _edit(testapp, document.id, "首问负责，两小时内答复。")
    # Staff still read the published version while the working copy exists.
    staff = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(staff, people["staff"].username)
    assert "限时答复" in staff.get("/handbook/read/policies/first-contact-ownership").text
    _act(testapp, document.id, "submit", "请审核")
    # A trainer cannot approve.
    _act(testapp, document.id, "approve", status=403)
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, people["reviewer"].username)
    assert "Nothing is waiting" not in reviewer.get("/handbook/review").text
    _act(reviewer, document.id, "approve", "好")
    page = staff.get("/handbook/read/policies/first-contact-ownership")
    assert "两小时内答复" in page.text and "限时答复" not in page.text
    diff = staff.get(f"/handbook/doc/{document.id}/diff")
    assert "<del>限</del>时答复" in diff.text and "<ins>两小</ins>时<ins>内</ins>" in diff.text
    history = reviewer.get(f"/handbook/doc/{document.id}/history")
    assert "请审核" in history.text and "v2" in history.text


def test_send_back_needs_comment_and_staff_cannot_act(testapp, dbsession, clock):
    people = _people()
    document = make_document(publish=False)
    login(testapp, people["trainer"].username)
    _act(testapp, document.id, "submit")
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    assert dbsession.get(Document, document.id).state == "pending"
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, people["reviewer"].username)
    _act(reviewer, document.id, "send_back", "")  # refused: flash, state unchanged
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    assert dbsession.get(Document, document.id).state == "pending"
    _act(reviewer, document.id, "send_back", "补充数字")
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    assert dbsession.get(Document, document.id).state == "draft"
    _act(reviewer, document.id, "archive", "过时")
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    assert dbsession.get(Document, document.id).state == "archived"
    staff = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(staff, people["staff"].username)
    staff.get(f"/handbook/doc/{document.id}/history", status=403)
    page = staff.get("/handbook/")
    staff.post(f"/handbook/doc/{document.id}/transition", {"action": "submit", "csrf_token": _csrf(page)},
               status=403)


def test_second_save_on_same_base_is_refused(testapp, dbsession, clock):
    people = _people()
    document = make_document()
    login(testapp, people["trainer"].username)
    first = testapp.get(f"/handbook/doc/{document.id}/edit").forms["document"]
    second = testapp.get(f"/handbook/doc/{document.id}/edit").forms["document"]
    first["body_md"] = "第一人的修改"
    first.submit("submit", status=303)
    second["body_md"] = "第二人的修改"
    refused = second.submit("submit", status=400)
    assert "第二人的修改" in refused.text  # nothing lost: the text is still in the form
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    assert dbsession.get(Document, document.id).latest_version.body_md == "第一人的修改"


def test_revert_makes_a_new_version(testapp, dbsession, clock):
    people = _people()
    document = make_document(body="原文")
    login(testapp, people["trainer"].username)
    _edit(testapp, document.id, "新文")
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    doc = dbsession.get(Document, document.id)
    first = doc.published_version_id
    page = testapp.get(f"/handbook/doc/{document.id}/history")
    testapp.post(f"/handbook/doc/{document.id}/revert/{first}", {"csrf_token": _csrf(page)}, status=303)
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    doc = dbsession.get(Document, document.id)
    assert doc.latest_version.number == 3 and doc.latest_version.body_md == "原文"


def test_expired_is_404_for_staff_and_bannered_for_trainers(testapp, dbsession, clock):
    people = _people()
    make_document("policies/old", data={"effective": "2025-01-01", "expires": "2026-01-01"})
    login(testapp, people["staff"].username)
    testapp.get("/handbook/read/policies/old", status=404)
    trainer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(trainer, people["trainer"].username)
    assert "此文档已失效或尚未生效" in trainer.get("/handbook/read/policies/old").text


def test_role_profile_lists_duties_and_holders(testapp, dbsession, clock):
    from tests.factories import PositionFactory

    position = PositionFactory(code="cs-agent", name="客户服务人员")
    holder = AccountFactory(position=position, display_name="张小红")
    make_document("roles/cs-agent", title="客户服务人员岗位职责",
                  data={"position": "cs-agent", "duties": ["受理咨询", "记录工单"]})
    login(testapp, holder.username)
    page = testapp.get("/handbook/read/roles/cs-agent")
    # Each duty has an id (the drill's source links point at it: duty-1 is the first).
    assert re.search(r"<ol class=\"duties\"><li id=\"duty-1\">受理咨询</li><li id=\"duty-2\">记录工单</li></ol>",
                     page.text)
    assert "张小红" in page.text


def test_script_set_marks_forbidden_phrases(testapp, dbsession, clock):
    staff = AccountFactory()
    make_document("scripts/greeting", title="问候", data={"situations": [
        {"key": "greeting", "title": "问候", "manner": "亲切", "phrases": [
            {"text": "您好，很高兴为您服务！"}, {"text": "喂，干嘛？", "forbidden": True, "note": "不礼貌"}]}]})
    login(testapp, staff.username)
    page = testapp.get("/handbook/read/scripts/greeting")
    assert "<del>喂，干嘛？</del>" in page.text and "亲切" in page.text


def test_review_queue_shows_the_submitted_change_its_submitter_and_comment(testapp, dbsession, clock):
    people = _people()
    people["trainer"].display_name = "李培训"
    dbsession.commit()
    document = make_document("policies/daily-rules", body="第一版。")
    new = make_document("policies/brand-new", title="全新制度", body="新文档。", publish=False)
    trainer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(trainer, people["trainer"].username)
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, people["reviewer"].username)
    _edit(trainer, document.id, "第二版。")
    _act(trainer, document.id, "submit", "第一次")
    _act(reviewer, document.id, "approve", "好")
    _edit(trainer, document.id, "第三版，待审。")
    _act(trainer, document.id, "submit", "请看第三版")
    _act(trainer, new.id, "submit", "新写的")
    queue = reviewer.get("/handbook/review")
    item = re.search(r'<li class="queue-item">.*?</li>', queue.text, re.S).group(0)
    # Who submitted it, when (the site's zone: 09:00 UTC is 17:00 in Beijing) and what they said.
    assert "李培训 于 2026-03-02 17:00 提交" in item and "请看第三版" in item and "北京时间" in queue.text
    link = re.search(r'href="([^"]*/diff\?[^"]*)"', item).group(1).replace("&amp;", "&")
    diff = reviewer.get(link)
    # The pending working copy against what staff read now, not the two published versions.
    assert "<th>v2</th><th>v3</th>" in diff.text and "待审" in diff.text
    # A document never published yet is read as it stands.
    assert f'href="http://localhost/handbook/read/{new.slug}"' in queue.text and "新写的" in queue.text


def test_two_saves_at_the_same_moment_one_wins_the_other_keeps_its_text(testapp, dbsession, engine, clock):
    """Two editors submit the same version at once: exactly one save wins; the other is told and keeps its text.

    On PostgreSQL a third connection holds the document's row until both requests
    wait on it, so they really meet there (without the row lock they collided on the
    version number: a 500, or both accepted and the first edit silently replaced).
    """
    import threading
    import time

    from sqlalchemy import text

    from cs_handbook.models.documents import DocumentVersion

    first, second = AccountFactory(roles=["trainer"]), AccountFactory(roles=["trainer"])
    document = make_document(body="原文")
    clients = []
    for account in (first, second):
        client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
        login(client, account.username)
        form = client.get(f"/handbook/doc/{document.id}/edit").forms["document"]
        form["body_md"] = f"{account.username} 的修改"
        clients.append(form)
    postgres = engine.dialect.name == "postgresql"
    holder = engine.connect()
    if postgres:
        holder.begin()
        holder.execute(text("SELECT id FROM documents WHERE id = :id FOR UPDATE"), {"id": document.id})
    responses = {}

    def submit(index):
        responses[index] = clients[index].submit("submit", expect_errors=True)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    if postgres:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and holder.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar() < 2:
            time.sleep(0.02)
        holder.rollback()
    holder.close()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_int for r in responses.values())
    assert statuses == [303, 400]
    loser = next(i for i, r in responses.items() if r.status_int == 400)
    winner = 1 - loser
    refused = responses[loser].text
    assert "已有其他人保存了新版本" in refused
    assert f"{(first, second)[loser].username} 的修改" in refused  # nothing lost: still in the form
    dbsession.rollback()
    dbsession.expire_all()
    versions = dbsession.query(DocumentVersion).filter_by(document_id=document.id).all()
    assert sorted(v.number for v in versions) == [1, 2]
    assert dbsession.get(Document, document.id).latest_version.body_md == f"{(first, second)[winner].username} 的修改"


def test_restore_brings_back_the_published_state_and_reading_index_and_search_agree(testapp, dbsession, clock):
    people = _people()
    document = make_document("policies/training-trips", title="外出培训制度", body="外出培训须提前申请。")
    draft_only = make_document("policies/never-published", title="未发布制度", body="外出培训草稿。", publish=False)
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, people["reviewer"].username)
    staff = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(staff, people["staff"].username)

    def seen_by_staff():
        read = staff.get(f"/handbook/read/{document.slug}", expect_errors=True).status_int == 200
        listed = f"/handbook/read/{document.slug}" in staff.get("/handbook/").text
        found = f"/handbook/read/{document.slug}" in staff.get("/handbook/search", {"q": "外出培训"}).text
        return read, listed, found

    assert seen_by_staff() == (True, True, True)
    for each in (document, draft_only):
        _act(reviewer, each.id, "archive", "过时")
    assert seen_by_staff() == (False, False, False)
    for each in (document, draft_only):
        _act(reviewer, each.id, "restore", "仍然有效")
    assert seen_by_staff() == (True, True, True)
    assert "已发布" in re.search(r'class="state">([^<]*)', reviewer.get(f"/handbook/doc/{document.id}/history").text)[1]
    # Never published: back to a draft, still out of staff's sight.
    dbsession.rollback()
    assert dbsession.get(Document, draft_only.id).state == "draft"
    assert "never-published" not in staff.get("/handbook/search", {"q": "外出培训"}).text


def test_archive_and_restore_are_announced_to_other_areas(dbsession, clock):
    from types import SimpleNamespace

    from cs_handbook.events import DocumentArchived, DocumentRestored
    from cs_handbook.services.documents import DocumentService

    events = []
    request = SimpleNamespace(registry=SimpleNamespace(notify=events.append))
    document = make_document("policies/announced", body="正文。")
    svc = DocumentService(dbsession, clock, request)
    svc.save(document, base_version_id=document.latest_version_id, title="标题", body_md="工作副本。")
    svc.transition(document, "archive")
    svc.transition(document, "restore")
    archived, restored = [e for e in events if isinstance(e, DocumentArchived | DocumentRestored)]
    assert isinstance(archived, DocumentArchived) and archived.slug == "policies/announced"
    assert isinstance(restored, DocumentRestored)
    # A working copy was open: a draft again, and staff read the published version meanwhile.
    assert document.state == "draft" and restored.published_version_id == document.published_version_id
    assert svc.published("policies/announced").body_html == "<p>正文。</p>\n"


def test_recently_updated_follows_what_staff_read_not_drafts_or_workflow_steps(testapp, dbsession, clock):
    from cs_handbook.services.documents import DocumentService

    people = _people()
    svc = DocumentService(dbsession, clock)
    older = svc.create(slug="policies/older", kind="policy", title="较早发布", body_md="一")
    svc.publish_now(older)
    clock.advance(hours=1)
    newer = svc.create(slug="policies/newer", kind="policy", title="较晚发布", body_md="二")
    svc.publish_now(newer)
    clock.advance(hours=1)
    # Later still: a working copy of the older one is saved, submitted and sent back. Staff read nothing new.
    svc.save(older, base_version_id=older.latest_version_id, title="较早发布", body_md="一（草稿）")
    svc.transition(older, "submit")
    svc.transition(older, "send_back", comment="再改")
    dbsession.commit()
    staff = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(staff, people["staff"].username)

    def recent():
        aside = staff.get("/handbook/").text.split('class="doc-recent"')[1]
        return re.findall(r">(较.发布)</a>", aside)

    assert recent() == ["较晚发布", "较早发布"]
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    clock.advance(hours=1)
    svc.transition(older, "submit")
    svc.transition(older, "approve")
    dbsession.commit()
    assert recent() == ["较早发布", "较晚发布"]


def test_a_reviewer_may_not_approve_their_own_change_unless_admin(testapp, dbsession, clock):
    both = AccountFactory(roles=["trainer", "reviewer"])
    other_reviewer, admin = AccountFactory(roles=["reviewer"]), AccountFactory(roles=["admin"])
    document = make_document("policies/own", body="原文")
    mine = make_document("policies/admins-own", body="原文")
    writer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(writer, both.username)
    _edit(writer, document.id, "自己改的")
    _act(writer, document.id, "submit", "请审")
    queue = writer.get("/handbook/review")
    assert "这是您自己的修改" in queue.text and 'value="approve"' not in queue.text
    refused = _act(writer, document.id, "approve", "自己批").follow()
    assert "需要由另一位审核人批准" in refused.text
    dbsession.rollback()
    assert dbsession.get(Document, document.id).state == "pending"
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, other_reviewer.username)
    _act(reviewer, document.id, "approve", "好")
    dbsession.rollback()
    assert dbsession.get(Document, document.id).state == "published"
    # An admin may approve what they wrote (the site's last resort).
    boss = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(boss, admin.username)
    _edit(boss, mine.id, "管理员改的")
    _act(boss, mine.id, "submit")
    _act(boss, mine.id, "approve", "急用")
    dbsession.rollback()
    assert dbsession.get(Document, mine.id).state == "published"


def test_the_author_withdraws_a_submitted_document_to_go_on_editing(testapp, dbsession, clock):
    people = _people()
    document = make_document("policies/withdrawn", publish=False, author=people["trainer"])
    login(testapp, people["trainer"].username)
    _act(testapp, document.id, "submit", "请审")
    mine = testapp.get("/handbook/mine")
    form = next(f for f in mine.forms.values() if f.action.endswith(f"/doc/{document.id}/transition"))
    assert 'value="withdraw"' in form.text
    form.submit("action", value="withdraw", status=303)
    dbsession.rollback()
    assert dbsession.get(Document, document.id).state == "draft"
    _edit(testapp, document.id, "撤回后接着改")  # editable again
    _act(testapp, document.id, "submit")
    reviewer = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(reviewer, people["reviewer"].username)
    _act(reviewer, document.id, "withdraw", status=403)  # a reviewer without the trainer role
    staff = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(staff, people["staff"].username)
    page = staff.get("/handbook/")
    staff.post(f"/handbook/doc/{document.id}/transition", {"action": "withdraw", "csrf_token": _csrf(page)},
               status=403)
