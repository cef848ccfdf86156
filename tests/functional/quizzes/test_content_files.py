"""The bank as files: load the repository's training/ questions and quizzes, idempotently; export canonically."""

import pytest
from pyramid.scripting import prepare

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.services.quizzes_files import export, load

TRAINING = DEFAULT_CONTENT_DIRS["training"]


@pytest.fixture
def request_(app, dbsession):
    env = prepare(registry=app.registry)
    request = env["request"]
    request.environ["app.dbsession"] = dbsession
    request.__dict__["dbsession"] = dbsession
    yield request
    env["closer"]()


def test_load_is_idempotent_and_export_is_byte_for_byte(request_, dbsession, tmp_path):
    first = load(request_, TRAINING, None)
    assert first.errors == []
    assert first.created >= 150
    dbsession.flush()
    second = load(request_, TRAINING, None)
    assert (second.created, second.updated, second.errors) == (0, 0, [])
    export(request_, tmp_path, None)
    for sub in ("questions", "quizzes"):
        assert sorted(p.name for p in (tmp_path / sub).glob("*.yaml")) == sorted(
            p.name for p in (TRAINING / sub).glob("*.yaml"))
        for path in sorted((TRAINING / sub).glob("*.yaml")):
            assert (tmp_path / sub / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path


def test_a_file_with_a_bad_question_is_left_out_whole_and_the_other_files_load(request_, dbsession, tmp_path):
    """As documents and training do: a file loads entirely or not at all, each bad question named."""
    from pyramid.interfaces import ILocalizer

    from cs_handbook.content import translated
    from cs_handbook.services.quizzes_bank import BankService

    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "c.yaml").write_text(
        "category: 测试\nquestions:\n- key: ok\n  type: truefalse\n  text: 对吗\n  answer: true\n"
        "- key: bad\n  type: single\n  text: 缺选项\n  options: []\n"
        "- key: worse\n  type: nonsense\n  text: 类型不对\n", encoding="utf-8")
    (tmp_path / "questions" / "good.yaml").write_text(
        "category: 好的\nquestions:\n- key: fine\n  type: truefalse\n  text: 好吗\n  answer: false\n",
        encoding="utf-8")
    (tmp_path / "questions" / "gbk.yaml").write_bytes("category: 测试".encode("gbk"))
    (tmp_path / "questions" / "list.yaml").write_text("- 不是映射\n", encoding="utf-8")
    report = load(request_, tmp_path, None)
    assert report.created == 1  # good.yaml's one question; nothing of c.yaml
    bank = request_.find_service(BankService)
    assert bank.category("c") is None and bank.category("good") is not None
    localizer = request_.registry.getUtility(ILocalizer, name="zh_CN")
    lines = [translated(line, localizer) for line in report.errors]
    assert lines[:3] == ["c.yaml 第 2 题：选择题至少需要两个有文字的选项。", "c.yaml 第 3 题：未知的题型。",
                         "c.yaml 未载入：请改正后重新载入。"], lines
    assert lines[3].startswith("gbk.yaml") and lines[4] == "list.yaml 未载入：请改正后重新载入。"
    assert len(lines) == 5
    # Fixed, the file loads whole.
    (tmp_path / "questions" / "c.yaml").write_text(
        "category: 测试\nquestions:\n- key: ok\n  type: truefalse\n  text: 对吗\n  answer: true\n",
        encoding="utf-8")
    (tmp_path / "questions" / "gbk.yaml").unlink()
    (tmp_path / "questions" / "list.yaml").unlink()
    report = load(request_, tmp_path, None)
    assert (report.created, report.unchanged, report.errors) == (1, 1, [])
    out = tmp_path / "out"
    export(request_, out, None)
    assert (out / "questions" / "c.yaml").read_text(encoding="utf-8") == (
        "category: 测试\nquestions:\n  - key: ok\n    type: truefalse\n    text: 对吗\n    answer: true\n")


def test_role_duties_quizzes_generated_from_role_profiles(request_, dbsession):
    from cs_handbook.services.quizzes_bank import BankService
    from cs_handbook.services.quizzes_roles import read_profiles

    load(request_, TRAINING, None)
    bank = request_.find_service(BankService)
    profiles = read_profiles(TRAINING.parent / "policies" / "roles")
    assert len(profiles) >= 2
    agent = next(p for p in profiles if p["code"] == "cs-agent")
    quiz = bank.quiz("role-cs-agent")
    assert [s.question.ident for s in quiz.slots] == ["role-duties/order-cs-agent", "role-duties/match-cs-agent"]
    order, match = (s.question.current for s in quiz.slots)
    assert order.data["items"] == agent["duties"][:6] and order.source == "roles/cs-agent"
    pairs = match.data["pairs"]
    assert pairs[0] == {"left": agent["duties"][0], "right": agent["name"]}
    assert len({p["right"] for p in pairs}) == len(pairs) == 4


def test_a_draw_placed_among_fixed_questions_keeps_its_place_in_the_files(request_, dbsession, tmp_path):
    from cs_handbook.services.quizzes_bank import BankService
    from tests.factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-tf", "q-single"])
    bank = request_.find_service(BankService)
    bank.save_quiz("mixed", {"title": "混排测验", "review": {"answers": "after_close"}},
                   slots=["basics/q-tf", ("basics", 1), "basics/q-single"])
    export(request_, tmp_path, None)
    text = (tmp_path / "quizzes" / "mixed.yaml").read_text(encoding="utf-8")
    assert text == ("title: 混排测验\npass_mark: 80\nattempts_allowed: 0\ngrading: highest\nquestions:\n"
                    "  - basics/q-tf\n  - category: basics\n    count: 1\n  - basics/q-single\n"
                    "review:\n  marks: after_submit\n  answers: after_close\n  feedback: after_submit\n"
                    "  sources: after_submit\n")
    # Loaded into a fresh quiz, the order is the same, and exporting again gives the same file.
    (tmp_path / "quizzes" / "copy.yaml").write_text(text, encoding="utf-8")
    report = load(request_, tmp_path, None)
    assert report.errors == []
    copy = bank.quiz("copy")
    assert [(s.question.key if s.question else s.category.slug) for s in copy.slots] == [
        "q-tf", "basics", "q-single"]
    out = tmp_path / "again"
    export(request_, out, None)
    assert (out / "quizzes" / "copy.yaml").read_text(encoding="utf-8") == text
