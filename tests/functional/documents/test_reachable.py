"""Every documents page a person needs is reachable by links: navigation, home panel, page links."""

from datetime import UTC, datetime

from cs_handbook.models.accounts import Grant, Scope, ScopedRole
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def test_trainers_reach_their_documents_and_the_new_form_from_the_navigation(testapp, dbsession, clock):
    trainer, staff_account = AccountFactory(roles=["trainer"]), AccountFactory()
    document = make_document("policies/draft", title="我的草稿", publish=False, author=trainer)
    client = _client(testapp, trainer.username)
    home = client.get("/")
    assert 'href="http://localhost/handbook/mine"' in home.text and 'href="http://localhost/handbook/new"' in home.text
    mine = home.click(href="http://localhost/handbook/mine", index=0)
    assert "我的草稿" in mine.text and f"/handbook/doc/{document.id}/edit" in mine.text
    assert mine.click(href="http://localhost/handbook/new", index=0).forms["document"]
    # Staff have neither entry.
    staff = _client(testapp, staff_account.username)
    page = staff.get("/")
    assert "/handbook/mine" not in page.text and "/handbook/new" not in page.text
    staff.get("/handbook/mine", status=403)


def test_reviewers_reach_history_and_the_archive_and_can_restore(testapp, dbsession, clock):
    reviewer = AccountFactory(roles=["reviewer"])
    document = make_document("policies/old-rule", title="旧制度")
    service(dbsession).transition(document, "archive", comment="过时")
    kept = make_document("policies/kept", title="现行制度")
    dbsession.commit()
    client = _client(testapp, reviewer.username)
    page = client.get(f"/handbook/read/{kept.slug}")
    assert f'href="http://localhost/handbook/doc/{kept.id}/history"' in page.text
    queue = client.get("/")
    queue = queue.click(href="http://localhost/handbook/review", index=0)
    archive = queue.click(href="http://localhost/handbook/archived")
    assert "旧制度" in archive.text and "现行制度" not in archive.text
    history = archive.click(href=f"http://localhost/handbook/doc/{document.id}/history")
    assert 'value="restore"' in history.text


def test_an_owner_without_the_trainer_role_reaches_and_reads_their_document(testapp, dbsession, clock):
    owner, someone = AccountFactory(), AccountFactory()
    document = make_document("policies/owned", title="我负责的制度",
                             data={"effective": "2025-01-01", "expires": "2026-01-01", "review_due": "2026-02-01"})
    dbsession.add(Grant(account_id=owner.id, role=ScopedRole.OWNER, scope_type=Scope.DOCUMENT,
                        scope_id=document.id, created_at=datetime(2026, 3, 1, tzinfo=UTC)))
    dbsession.commit()
    client = _client(testapp, owner.username)
    home = client.get("/")
    assert "我的文档" in home.text and "/handbook/new" not in home.text
    mine = home.click(href="http://localhost/handbook/mine", index=0)
    assert "我负责的制度" in mine.text  # its re-verification date has passed
    # Expired for staff, but its owner still reads it (with the banner) to renew it.
    page = client.get("/handbook/read/policies/owned")
    assert "此文档已失效或尚未生效" in page.text and f"/handbook/doc/{document.id}/edit" in page.text
    other = _client(testapp, someone.username)
    other.get("/handbook/read/policies/owned", status=404)
