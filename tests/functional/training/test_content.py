"""The training content files: load is idempotent, export reproduces the repository's files
byte for byte, bad files are reported; the overdue sweep CLI and the demo builder."""

import shutil
from datetime import date

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from cs_handbook.content import DEFAULT_CONTENT_DIRS, translated
from cs_handbook.models.notices import Notice
from cs_handbook.models.training import Course, CourseItem, Enrolment, ItemProgress, TrainingPath
from cs_handbook.scripts.progress import Progress
from cs_handbook.scripts.training import cmd_sweep
from cs_handbook.services.training_authoring import AuthoringService, course_to_dict
from cs_handbook.services.training_content import export, load
from tests import factories
from tests import factories_training as ft

TRAINING = DEFAULT_CONTENT_DIRS["training"]
POSITION_CODES = ["cc-manager", "reception-supervisor", "aftercare-supervisor", "callcenter-supervisor",
                  "crm-specialist", "quality-specialist", "records-specialist", "aftercare-agent",
                  "key-account-agent", "complaint-specialist", "cs-manager", "cs-supervisor", "cs-agent",
                  "complaint-agent", "order-agent", "logistics-desk", "underwriting-support"]


@pytest.fixture
def env(registry, dbsession):
    env = prepare(registry=registry)
    yield env
    env["closer"]()


def _load(env, folder):
    request = env["request"]
    with request.tm:
        return load(request, folder, Progress(quiet=True))


def test_load_is_idempotent_and_export_round_trips(env, dbsession, tmp_path):
    report = _load(env, TRAINING)
    assert report.errors == []
    assert report.created == len(list(TRAINING.glob("courses/*.yaml"))) + len(list(TRAINING.glob("paths/*.yaml")))
    again = _load(env, TRAINING)
    assert (again.created, again.updated, again.conflicts, again.errors) == (0, 0, [], [])
    assert again.unchanged == report.created
    request = env["request"]
    with request.tm:
        written = export(request, tmp_path, Progress(quiet=True))
    assert written == report.created
    for sub in ("courses", "paths"):
        for original in (TRAINING / sub).glob("*.yaml"):
            assert (tmp_path / sub / original.name).read_bytes() == original.read_bytes(), original.name
    assert sorted(p.stem for p in (TRAINING / "paths").glob("*.yaml")) == sorted(POSITION_CODES)


def test_default_paths_hold_the_three_days_the_role_and_the_mentor_period(env, dbsession):
    _load(env, TRAINING)
    # CONTENT.md section 5: three days, each a morning of study and an afternoon of shadowing,
    # the position's role profile and duties quiz, then the mentor period.
    for path in dbsession.scalars(select(TrainingPath)):
        code = path.position_code
        assert [(s.course.slug, s.due_day, s.half_day) for s in path.steps] == [
            ("day1-am", 0, "am"), ("day1-pm", 0, "pm"), ("day2-am", 1, "am"), ("day2-pm", 1, "pm"),
            (f"role-{code}", 1, ""), ("day3-am", 2, "am"), ("day3-pm", 2, "pm"), ("mentor-period", 30, "")], code
        targets = {i.target for s in path.steps for i in s.course.items}
        assert {f"roles/{code}", f"role-{code}", "day1-culture-etiquette", "day2-workflow-roles",
                "day3-product-issues"} <= targets
    kinds = {c.slug: [i.kind for i in c.items] for c in dbsession.scalars(select(Course))}
    for afternoon in ("day1-pm", "day2-pm", "day3-pm"):
        assert kinds[afternoon] == ["practical"]  # shadowing, signed off by the mentor
    day3 = dbsession.scalar(select(Course).where(Course.slug == "day3-am"))
    assert any(i.kind == "practical" and "现场介绍" in i.title and "软件" in i.title for i in day3.items)
    policies = DEFAULT_CONTENT_DIRS["policies"]
    for course in dbsession.scalars(select(Course)):
        for item in course.items:
            # Readings point at documents that exist in policies/; nothing points off the site.
            if item.kind == "reading":
                assert (policies / f"{item.target}.md").exists(), item.target
            assert item.kind != "link" and "example.com" not in item.target, item.key


BAD_COURSES = [
    # (file body, where the problem is: "line: field", what the message says)
    ("title: t\nitems:\n- key: " + "k" * 70 + "\n  kind: reading\n  title: x\n  target: a/b\n  minutes: 5\n"
     "  required: true\n", "3: items[1].key", "1 到 64 个"),
    ("title: t\nitems:\n- key: 123\n  kind: reading\n  title: x\n  target: a/b\n  minutes: 5\n"
     "  required: true\n", "3: items[1].key", "1 到 64 个"),
    ("title: " + "t" * 250 + "\nitems: []\n", "1: title", "1 到 200 个字符"),
    ("title: t\nitems:\n- key: a\n  kind: reading\n  title: x\n  target: a/b\n  minutes: true\n"
     "  required: true\n", "7: items[1].minutes", "整数"),
    ("title: t\nitems:\n- key: a\n  kind: link\n  title: x\n  target: javascript:alert(1)\n  minutes: 5\n"
     "  required: true\n", "6: items[1].target", "https://"),
    ("title: t\nitems:\n- key: a\n  kind: reading\n  title: x\n  target: a/b\n  minutes: 5\n"
     "  required: 'no'\n", "8: items[1].required", "true 或 false"),
    ("title: t\nitems:\n- key: a\n  kind: reading\n  title: x\n  target: a/b\n  minuts: 5\n"
     "  required: true\n", "7: items[1].minuts", "拼写"),
    ("title: t\nitems:\n- key: a\n  title: b\n", "3: items[1].kind", "必须填写"),
    ("title: [unclosed\n", "2", "YAML"),
    ("- just\n- a list\n", "1", "映射"),
]


@pytest.mark.parametrize("body, where, message", BAD_COURSES)
def test_a_bad_course_file_is_reported_by_file_line_and_field(env, dbsession, tmp_path, body, where, message):
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / "bad.yaml").write_text(body, encoding="utf-8")
    report = _load(env, tmp_path)
    assert report.created == 0
    assert any(e.startswith(f"courses/bad.yaml:{where}") for e in report.errors), report.errors
    zh = [translated(e, env["request"].localizer) for e in report.errors]
    assert any(message in e for e in zh), zh
    assert dbsession.scalar(select(func.count()).select_from(Course)) == 0


def test_bad_path_files_are_reported_and_change_nothing(env, dbsession, tmp_path):
    (tmp_path / "courses").mkdir()
    (tmp_path / "paths").mkdir()
    shutil.copy(TRAINING / "courses" / "day1-am.yaml", tmp_path / "courses")
    steps = {"loop": "- course: day1-am\n  due_day: 0\n- course: day1-am\n  due_day: 1\n",
             "negative": "- course: day1-am\n  due_day: -1\n",
             "noon": "- course: day1-am\n  due_day: 0\n  half_day: noon\n",
             "nocourse": "- due_day: 0\n",
             "listcourse": "- course: [a]\n  due_day: 0\n",
             "unknown": "- course: day9\n  due_day: 0\n",
             "boolday": "- course: day1-am\n  due_day: true\n"}
    for name, body in steps.items():
        (tmp_path / "paths" / f"{name}.yaml").write_text("title: t\nsteps:\n" + body, encoding="utf-8")
    (tmp_path / "paths" / "new.yaml").write_text("title: t\nsteps: []\n", encoding="utf-8")
    report = _load(env, tmp_path)
    assert report.created == 1  # the course
    assert sorted(e.split(":")[0] for e in report.errors) == sorted(
        f"paths/{name}.yaml" for name in [*steps, "new"])
    assert "paths/loop.yaml:5: steps[2].course" in " ".join(report.errors)
    assert "paths/noon.yaml:5: steps[1].half_day" in " ".join(report.errors)
    assert dbsession.scalar(select(func.count()).select_from(TrainingPath)) == 0


def test_a_reload_never_overwrites_a_web_edit(env, dbsession, clock, tmp_path):
    _load(env, TRAINING)
    request = env["request"]
    authoring = request.find_service(AuthoringService)
    with request.tm:
        course = authoring.training.course_by_slug("day1-am")
        data = course_to_dict(course)
        data["title"] = "网站上改的标题"
        authoring.apply_course(course, data)  # an approved web edit
    report = _load(env, TRAINING)
    assert report.conflicts == ["courses/day1-am.yaml: changed on the site since the last load (an approved "
                                "edit, a working copy or an archive); the file was not loaded (export, merge by "
                                "hand, then load again)"]
    assert (report.updated, report.errors) == (0, [])
    dbsession.commit()
    assert dbsession.scalar(select(Course.title).where(Course.slug == "day1-am")) == "网站上改的标题"
    # A working copy waiting for review is a web edit too.
    with request.tm:
        course = authoring.training.course_by_slug("day1-pm")
        draft = course_to_dict(course)
        draft["title"] = "草稿"
        authoring.save_course(course, draft, None)
    (tmp_path / "courses").mkdir()
    changed = (TRAINING / "courses" / "day1-pm.yaml").read_text(encoding="utf-8").replace("minutes: 180",
                                                                                        "minutes: 200")
    (tmp_path / "courses" / "day1-pm.yaml").write_text(changed, encoding="utf-8")
    assert len(_load(env, tmp_path).conflicts) == 1
    # Once exported, the files hold the web edit: loading them again changes nothing.
    with request.tm:
        export(request, tmp_path / "out", Progress(quiet=True))
    again = _load(env, tmp_path / "out")
    assert (again.conflicts, again.updated, again.errors) == ([], 0, [])


def test_a_changed_file_updates_and_retires_what_it_drops(env, dbsession, clock, tmp_path):
    _load(env, TRAINING)
    person = ft.new_hire(date(2026, 3, 2))
    svc = ft.service(dbsession, clock)
    svc.enrol(person, svc.path_for_position("cs-agent"))
    course = svc.course_by_slug("day1-am")
    department = next(i for i in course.items if i.key == "department")
    ft.read(svc, person, department)
    dbsession.commit()
    (tmp_path / "courses").mkdir()
    text = (TRAINING / "courses" / "day1-am.yaml").read_text(encoding="utf-8")
    start = text.index("- key: department")
    end = text.index("- key: what-is-service")
    (tmp_path / "courses" / "day1-am.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    report = _load(env, tmp_path)
    assert (report.updated, report.conflicts, report.errors) == (1, [], [])
    dbsession.commit()
    assert dbsession.get(CourseItem, department.id).retired_at is not None
    assert dbsession.scalar(select(func.count()).select_from(ItemProgress).where(
        ItemProgress.item_id == department.id)) == 1
    rows = {r.item.key: r for r in ft.service(dbsession, clock).summary(person).rows}
    assert rows["department"].done and rows["department"].retired


def test_sweep_command(env, dbsession, clock):
    ft.standard_programme()
    person = ft.new_hire(date(2026, 3, 1))
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    progress = Progress(quiet=True)
    assert cmd_sweep(env, None, progress) == 0
    assert cmd_sweep(env, None, progress) == 0
    dbsession.commit()
    # Day one's two readings and its shadowing, in one notice; the second run leaves nothing new.
    notices = dbsession.scalars(select(Notice).where(Notice.account_id == person.id)).all()
    assert [(n.message, n.mapping, n.link) for n in notices] == [
        ("${count} onboarding items are overdue.", {"count": 3}, "/training/")]


def test_demo_builder_enrols_the_new_hires(env, dbsession, clock):
    from cs_handbook.demo import create_demo_accounts

    _load(env, TRAINING)
    request = env["request"]
    with request.tm:
        create_demo_accounts(request, Progress(quiet=True))
    dbsession.commit()
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 2
    nh2 = factories._session.scalar(select(factories.Account).where(factories.Account.username == "newhire2"))
    summary = ft.service(dbsession, clock).summary(nh2)
    assert summary.done > 0
