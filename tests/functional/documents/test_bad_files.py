"""Bad content files: each problem named by file, line and field in the CLI's language; the bad file is
left out whole, the good ones load, and nothing crashes (not the CLI, not a development site's first run)."""

import io

import pytest
from pyramid.scripting import prepare

from cs_handbook.models.documents import Document, DocumentVersion
from cs_handbook.scripts.cli import build_parser
from cs_handbook.scripts.progress import Progress
from tests.factories_documents import service

FRONT = "---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n"
GOOD = FRONT + "---\n\n正文\n"

# file → (its text, what the zh_CN report says about it, what the English one says)
BAD = {
    "policies/bad-date.md": (FRONT + "effective: 2026-13-45\n---\n\n正文\n",
                             "policies/bad-date.md:5：effective：应为真实存在的日期",
                             "policies/bad-date.md:5: effective: must be a real date"),
    "policies/words-date.md": (FRONT + 'review_due: "next week"\n---\n\n正文\n',
                               "policies/words-date.md:5：review_due：应为真实存在的日期",
                               "policies/words-date.md:5: review_due: must be a real date"),
    "policies/range.md": (FRONT + "effective: 2026-05-01\nexpires: 2026-01-01\n---\n\n正文\n",
                          "policies/range.md:6：expires：必须晚于生效日期",
                          "policies/range.md:6: expires: must come after the effective date"),
    "policies/struct.md": (FRONT + 'situations: ["hello"]\n---\n\n正文\n',
                           "policies/struct.md:5：situations[1]：应为“键: 值”的映射",
                           "policies/struct.md:5: situations[1]: must be keys with values"),
    "policies/huge-order.md": (FRONT + "order: 99999999999999999999\n---\n\n正文\n",
                               "policies/huge-order.md:5：order：应在 0 到 1000000 之间",
                               "policies/huge-order.md:5: order: must be between 0 and 1000000"),
    "policies/word-order.md": (FRONT + "order: abc\n---\n\n正文\n",
                               "policies/word-order.md:5：order：应为整数",
                               "policies/word-order.md:5: order: must be a whole number"),
    "policies/long-tag.md": (FRONT + "tags:\n  - 服务\n  - " + "标" * 51 + "\n---\n\n正文\n",
                             "policies/long-tag.md:7：tags[2]：最多 50 个字符",
                             "policies/long-tag.md:7: tags[2]: at most 50 characters"),
    "policies/long-title.md": ("---\ntitle: " + "长" * 201 + "\nsummary: 摘要\nsources: ['001']\n---\n\n正文\n",
                               "policies/long-title.md:2：title：最多 200 个字符",
                               "policies/long-title.md:2: title: at most 200 characters"),
    "policies/phrases.md": (FRONT + "situations:\n  - key: greeting\n    title: 问候\n    phrases:\n"
                            "      - note: 没有话术\nfacts:\n  - key: limit\n    label: 时限\n"
                            "    value: sixty\n---\n\n正文\n",
                            "policies/phrases.md:9：situations[1].phrases[1].text：必须填写",
                            "policies/phrases.md:9: situations[1].phrases[1].text: is required"),
    "policies/typo.md": (FRONT + "titel: 错字\n---\n\n正文\n",
                         "policies/typo.md:2：未知的键 titel", "policies/typo.md:2: unknown key titel"),
    "policies/no-yaml.md": (FRONT + "tags: [unclosed\n---\n\n正文\n",
                            "policies/no-yaml.md:6：YAML 格式有误", "policies/no-yaml.md:6: invalid YAML"),
    "handbook/broken/page.md": (
        GOOD, "handbook/broken/page.md:1：未载入：栏目 handbook/broken 的 _section.yaml 有错误",
        "handbook/broken/page.md:1: not loaded: the _section.yaml of handbook/broken has errors"),
}


def _write_content(root):
    policies = root / "policies"
    for rel, (text, _zh, _en) in BAD.items():
        (policies / rel).parent.mkdir(parents=True, exist_ok=True)
        (policies / rel).write_text(text, encoding="utf-8")
    (policies / "handbook" / "broken" / "_section.yaml").write_text("title: 坏栏目\norder: abc\n", encoding="utf-8")
    latin1 = "---\ntitle: r\nsummary: s\nsources: [a]\n---\n\ncaf\xe9\n"
    (policies / "policies" / "latin1.md").write_bytes(latin1.encode("latin-1"))
    (policies / "policies" / "good.md").write_text(GOOD, encoding="utf-8")
    (policies / "handbook" / "fine").mkdir(parents=True)
    (policies / "handbook" / "fine" / "_section.yaml").write_text("title: 好栏目\norder: 5\n", encoding="utf-8")
    (policies / "handbook" / "fine" / "page.md").write_text(GOOD, encoding="utf-8")
    return root


def _run_load(app, root, *extra):
    out = io.StringIO()
    env = prepare(registry=app.registry)
    try:
        args = build_parser().parse_args(["x.ini", "content", "load", "--root", str(root), *extra])
        status = args.func(env, args, Progress(stream=out))
    finally:
        env["closer"]()
    return status, out.getvalue()


def test_every_bad_file_is_reported_with_line_and_field_and_the_good_ones_load(app, dbsession, tmp_path):
    root = _write_content(tmp_path)
    status, text = _run_load(app, root)
    assert status == 1 and "Traceback" not in text
    for rel, (_text, zh, _en) in BAD.items():
        assert zh in text, rel
    assert "handbook/broken/_section.yaml:2：order：应为整数" in text
    assert "policies/latin1.md:7：文件不是 UTF-8 编码的文本" in text
    assert "新建 2" in text and "错误 15" in text
    status, text = _run_load(app, root, "--lang", "en")
    for rel, (_text, _zh, en) in BAD.items():
        assert en in text, rel
    assert "the files with errors were not loaded" in text
    dbsession.rollback()
    svc = service(dbsession)
    assert svc.by_slug("policies/good") is not None and svc.by_slug("handbook/fine/page") is not None
    slugs = set(dbsession.scalars(Document.__table__.select().with_only_columns(Document.slug)))
    assert slugs == {"policies/good", "handbook/fine/page"}


def test_a_refused_change_is_reported_and_leaves_the_document_as_it_was(app, dbsession, tmp_path):
    folder = tmp_path / "policies" / "policies"
    folder.mkdir(parents=True)
    (folder / "rule.md").write_text(GOOD, encoding="utf-8")
    assert _run_load(app, tmp_path)[0] == 0
    svc = service(dbsession)
    document = svc.by_slug("policies/rule")
    # Waiting for review with the loaded version as its latest (archived, restored to a draft and
    # submitted, say): the service refuses a new version under the reviewer's eyes.
    document.state = "pending"
    dbsession.commit()
    (folder / "rule.md").write_text(GOOD.replace("正文", "新正文"), encoding="utf-8")
    (folder / "other.md").write_text(GOOD, encoding="utf-8")
    status, text = _run_load(app, tmp_path)
    assert status == 1 and "policies/rule.md:1：此文档正在等待审核" in text and "新建 1" in text
    dbsession.rollback()
    document = service(dbsession).by_slug("policies/rule")
    assert document.state == "pending"
    assert dbsession.query(DocumentVersion).filter_by(document_id=document.id).count() == 1


def test_a_development_site_starts_and_reports_a_bad_file_on_its_first_run(tmp_path, monkeypatch, capsys):
    from cs_handbook import main
    from cs_handbook.scripts import initialize

    root = _write_content(tmp_path / "content")
    monkeypatch.setattr(initialize, "DEFAULT_CONTENT_DIRS",
                        {"policies": root / "policies", "training": root / "training"})
    app = main({}, **{"sqlalchemy.url": f"sqlite:///{tmp_path}/first.sqlite", "cs_handbook.secret": "s",
                      "cs_handbook.auto_init": "true", "pyramid.default_locale_name": "zh_CN",
                      "here": str(tmp_path)})
    printed = capsys.readouterr().err
    assert "policies/bad-date.md:5：effective：应为真实存在的日期" in printed
    session = app.registry["dbsession_factory"]()
    try:
        assert service(session).by_slug("policies/good") is not None
    finally:
        session.close()
        app.registry["dbengine"].dispose()


@pytest.mark.parametrize("data, message", [
    ({"situations": ["hello"]}, "situations[1]"),
    ({"facts": [{"key": "a", "label": "时限", "value": "六十"}]}, "facts[1].value"),
    ({"effective": "2026-02-30"}, "effective"),
])
def test_the_service_refuses_data_of_the_wrong_shape(dbsession, data, message):
    from cs_handbook.services.documents import DocumentError

    with pytest.raises(DocumentError) as refused:
        service(dbsession).create(slug="policies/x", kind="policy", title="标题", data=data)
    assert refused.value.mapping["field"] == message
