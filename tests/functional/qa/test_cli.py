"""`cs-handbook <ini> qa import|sample`, run in-process against the test database (messages in zh_CN)."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cs_handbook.models.qa import Evaluation, Transcript
from cs_handbook.scripts.cli import main
from tests.factories import AccountFactory
from tests.factories_qa import conversation_csv, good_conversation
from tests.functional.isolation import fresh

INI = str(Path(__file__).resolve().parents[3] / "testing.ini")


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


def _count(dbsession, model) -> int:
    fresh(dbsession)
    return dbsession.scalar(select(func.count()).select_from(model))


def test_import_then_sample_from_the_command_line(cli, dbsession, tmp_path):
    AccountFactory(username="li")
    dbsession.commit()
    path = tmp_path / "day.csv"
    path.write_bytes(conversation_csv(good_conversation("li", "c-1") + [("li", "c-2", "agent", "nope", "您好")]))
    code, output = cli("qa", "import", str(path))
    assert code == 0
    assert "第 6 行: 时间格式错误" in output and "导入 1 个会话" in output
    assert _count(dbsession, Transcript) == 1
    code, output = cli("qa", "sample", "--day", "2026-03-02")
    assert (code, output.strip()) == (0, "已为 2026-03-02 抽取 1 条聊天记录。")
    assert _count(dbsession, Evaluation) == 1


@pytest.mark.parametrize("argv, message", [
    (("qa", "import", "/nonexistent/day.csv"), "无法读取 /nonexistent/day.csv"),
    (("qa", "sample", "--day", "2026-02-30"), "请按 YYYY-MM-DD 格式填写日期。"),
    (("qa", "sample", "--size", "0"), "抽样数量必须在 1–500 之间。"),
])
def test_refused_commands_say_why_and_write_nothing(cli, dbsession, argv, message):
    code, output = cli(*argv)
    assert code == 1 and message in output
    assert _count(dbsession, Transcript) == 0
