"""The foundation's CLI commands, run in-process through `cli.main` against the test database.

`testing.ini` is the configuration; CS_HANDBOOK_DATABASE_URL points it at
the database of the run (SQLite or PostgreSQL). Messages come in the site's
language (zh_CN); a refused command prints why, exits with 1 and writes
nothing — never a traceback.
"""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cs_handbook.bootstrap import SET_UP_KEY
from cs_handbook.models.accounts import Account, Grant, Scope
from cs_handbook.models.settings import SiteSetting
from cs_handbook.scripts.cli import main
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app

INI = str(Path(__file__).resolve().parents[2] / "testing.ini")


@pytest.fixture
def cli(database_url, dbsession, monkeypatch, capsys):
    monkeypatch.setenv("CS_HANDBOOK_DATABASE_URL", database_url)

    def run(*argv) -> tuple[int, str]:
        code = main([INI, *argv])
        captured = capsys.readouterr()
        output = captured.out + captured.err
        assert "Traceback" not in output
        return code, output

    return run


def _count_accounts(dbsession) -> int:
    fresh(dbsession)
    return dbsession.scalar(select(func.count()).select_from(Account))


def test_add_user_creates_an_account_that_signs_in_with_its_roles(cli, testapp, dbsession):
    code, output = cli("add-user", "Zhang.Wei", "--display-name", "张伟", "--password", "long-enough-pw",
                       "--role", "trainer", "--role", "reviewer")
    assert code == 0
    assert "已创建账号 zhang.wei，角色：reviewer, trainer" in output
    fresh(dbsession)
    account = dbsession.scalar(select(Account).where(Account.username == "zhang.wei"))
    assert account.display_name == "张伟"
    assert {g.role for g in dbsession.scalars(select(Grant).where(Grant.account_id == account.id,
                                                                   Grant.scope_type == Scope.SITE))} == \
        {"trainer", "reviewer"}
    login(testapp, "zhang.wei", "long-enough-pw")


@pytest.mark.parametrize("argv, message", [
    (("Bad Name!", "--password", "long-enough-pw"), "用户名: 2–64 个字符：小写字母、数字、. _ -"),
    (("x", "--password", "long-enough-pw"), "2–64 个字符"),
    (("wang", "--password", "short"), "请至少输入 10 个字符。"),
    (("wang", "--password", "long-enough-pw\x07"), "不允许包含控制字符。"),
    (("wang", "--password", "long-enough-pw", "--display-name", "名" * 101), "显示名称"),
])
def test_add_user_refuses_what_the_web_form_refuses(cli, dbsession, argv, message):
    code, output = cli("add-user", *argv)
    assert code == 1
    assert message in output
    assert _count_accounts(dbsession) == 0


def test_add_user_refuses_a_taken_username_and_writes_nothing(cli, dbsession):
    AccountFactory(username="wang")
    code, output = cli("add-user", "WANG", "--password", "long-enough-pw", "--role", "admin")
    assert (code, output.strip()) == (1, "用户名 wang 已被占用。")
    assert _count_accounts(dbsession) == 1


def test_add_user_asks_for_the_password_when_not_given(cli, dbsession, monkeypatch):
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or "typed-password-1")
    code, _output = cli("add-user", "li.na")
    assert code == 0 and prompts == ["li.na 的密码："]
    assert _count_accounts(dbsession) == 1


def _csv(tmp_path, text: str, encoding="utf-8") -> str:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_roster_imports_and_summarises(cli, dbsession, tmp_path):
    TeamFactory(name="客服一组")
    roster = _csv(tmp_path, "username,display_name,team\nli.na,李娜,客服一组\nzhao.lei,赵磊,\n")
    code, output = cli("--quiet", "import-roster", roster, "--password", "long-enough-pw")
    # --quiet keeps the outcome.
    assert (code, output.strip()) == (0, "花名册已导入：新建 2 个，更新 0 个。")
    assert _count_accounts(dbsession) == 2


def test_import_roster_reports_bad_lines_and_imports_nothing(cli, dbsession, tmp_path):
    TeamFactory(name="客服一组")
    roster = _csv(tmp_path, "username,display_name,team\nli.na,李娜,客服一组\nBad Name!,坏,客服一组\n"
                            "zhao.lei,赵磊,不存在的组\n")
    code, output = cli("--quiet", "import-roster", roster, "--password", "long-enough-pw")
    assert code == 1
    assert output.splitlines() == ["未导入任何数据。请修正以下各行后重试：", "  第 3 行: 用户名无效：bad name!",
                                   "  第 4 行: 未知的团队：不存在的组"]
    assert _count_accounts(dbsession) == 0


def test_import_roster_with_a_self_mentor_exits_cleanly(cli, dbsession, tmp_path):
    roster = _csv(tmp_path, "username,display_name,mentor\nli.na,李娜,li.na\n")
    code, output = cli("import-roster", roster, "--password", "long-enough-pw")
    assert code == 1 and "未导入任何数据" in output
    assert _count_accounts(dbsession) == 0


@pytest.mark.parametrize("content, message", [
    (None, "无法读取"),
    ("username,display_name\nli.na,李娜\n".encode("gbk"), "文件不是 UTF-8 文本"),
])
def test_import_roster_refuses_an_unreadable_file(cli, dbsession, tmp_path, content, message):
    path = tmp_path / "roster.csv"
    if content is not None:
        path.write_bytes(content)
    code, output = cli("import-roster", str(path), "--password", "long-enough-pw")
    assert code == 1 and message in output
    assert _count_accounts(dbsession) == 0


def test_import_roster_checks_the_initial_password(cli, dbsession, tmp_path):
    code, output = cli("import-roster", _csv(tmp_path, "username,display_name\nli.na,李娜\n"), "--password", "short")
    assert code == 1 and "请至少输入 10 个字符。" in output
    assert _count_accounts(dbsession) == 0


def test_db_check_finds_no_drift(cli):
    assert cli("db", "check") == (0, "db check: done\n")


def test_first_run_of_a_development_site_sets_everything_up_once(tmp_path, capsys):
    """What the README's first command does: a new SQLite file becomes a site with content and demo sign-ins."""
    import webtest

    from cs_handbook import main as make_app
    from cs_handbook.demo import DEMO_PASSWORD
    from cs_handbook.migrations import is_at_head
    from cs_handbook.models.documents import Document

    settings = {"sqlalchemy.url": f"sqlite:///{tmp_path}/var/site.sqlite", "cs_handbook.auto_init": "true",
                "cs_handbook.demo_data": "true", "cs_handbook.secret": "first-run", "here": str(tmp_path)}
    app = make_app({}, **settings)
    output = capsys.readouterr().err
    assert "Migrating the database" in output and f"admin      / {DEMO_PASSWORD}" in output
    assert "cs_handbook is ready on http://127.0.0.1:6543" in output  # no ini file: the default address
    engine = app.registry["dbengine"]
    assert is_at_head(engine)
    with app.registry["dbsession_factory"]() as session:
        assert session.scalar(select(func.count()).select_from(Document)) > 0  # the default content
        assert session.scalar(select(func.count()).select_from(Account)) == 8
    browser = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"})
    login(browser, "admin", DEMO_PASSWORD)
    assert browser.get("/admin/accounts").status_int == 200
    engine.dispose()

    # The next start finds the site set up: no second migration, no second set of accounts.
    again = make_app({}, **settings)
    output = capsys.readouterr().err
    assert "Migrating" not in output and "Content:" not in output
    with again.registry["dbsession_factory"]() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 8
        assert session.get(SiteSetting, SET_UP_KEY) is not None
    again.registry["dbengine"].dispose()


def test_the_first_run_prints_the_address_the_ini_file_listens_on(tmp_path, capsys):
    from cs_handbook import main as make_app

    ini = tmp_path / "site.ini"
    ini.write_text("[app:main]\nuse = egg:cs_handbook\n\n[server:main]\nuse = egg:waitress#main\n"
                   "listen = 0.0.0.0:7011 [::]:7011\n")
    settings = {"sqlalchemy.url": f"sqlite:///{tmp_path}/site.sqlite", "cs_handbook.auto_init": "true",
                "cs_handbook.demo_data": "true", "cs_handbook.secret": "first-run", "here": str(tmp_path)}
    app = make_app({"__file__": str(ini)}, **settings)
    # Every address of the machine: the one that works from this machine is printed.
    assert "cs_handbook is ready on http://127.0.0.1:7011\n" in capsys.readouterr().err
    app.registry["dbengine"].dispose()


def test_a_development_site_without_demo_data_is_set_up_once_too(tmp_path, capsys, monkeypatch):
    """No demo data means no accounts after the set-up: the site still knows it was set up."""
    from cs_handbook import main as make_app
    from cs_handbook.models.documents import Document
    from cs_handbook.scripts import initialize

    policies = tmp_path / "content" / "policies" / "policies"
    policies.mkdir(parents=True)
    (policies / "rule.md").write_text("---\ntitle: 规则\nsummary: 一条规则\nsources: ['001']\n---\n\n正文。\n",
                                      encoding="utf-8")
    monkeypatch.setattr(initialize, "DEFAULT_CONTENT_DIRS", {"policies": tmp_path / "content" / "policies",
                                                             "training": tmp_path / "content" / "training"})
    settings = {"sqlalchemy.url": f"sqlite:///{tmp_path}/site.sqlite", "cs_handbook.auto_init": "true",
                "cs_handbook.secret": "first-run", "here": str(tmp_path)}
    first = make_app({}, **settings)
    assert "Content: 1 created" in capsys.readouterr().err
    first.registry["dbengine"].dispose()
    for _start in range(2):
        again = make_app({}, **settings)
        output = capsys.readouterr().err
        assert "Migrating" not in output and "Content:" not in output
        with again.registry["dbsession_factory"]() as session:
            assert session.scalar(select(func.count()).select_from(Account)) == 0
            assert session.scalar(select(func.count()).select_from(Document)) == 1
        again.registry["dbengine"].dispose()
