"""The training content files: load is idempotent, export reproduces the repository's files
byte for byte, bad files are reported; the overdue sweep CLI and the demo builder."""

import shutil
from datetime import date

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.models.notices import Notice
from cs_handbook.models.training import Course, Enrolment, TrainingPath
from cs_handbook.scripts.progress import Progress
from cs_handbook.scripts.training import cmd_sweep
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
    assert (again.created, again.updated, again.errors) == (0, 0, [])
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
    path = dbsession.scalar(select(TrainingPath).where(TrainingPath.position_code == "order-agent"))
    slugs = [s.course.slug for s in path.steps]
    assert slugs == ["day1-am", "day1-pm", "day2-am", "day2-pm", "role-order-agent", "day3-am", "day3-pm",
                     "mentor-period"]
    targets = {i.target for s in path.steps for i in s.course.items}
    assert {"roles/order-agent", "role-order-agent", "day1-culture-etiquette", "day2-workflow-roles",
            "day3-product-issues"} <= targets
    # Readings point at documents that exist in policies/.
    policies = DEFAULT_CONTENT_DIRS["policies"]
    for course in dbsession.scalars(select(Course)):
        for item in course.items:
            if item.kind == "reading":
                assert (policies / f"{item.target}.md").exists(), item.target


def test_bad_files_are_reported_and_change_nothing(env, dbsession, tmp_path):
    (tmp_path / "courses").mkdir()
    (tmp_path / "paths").mkdir()
    shutil.copy(TRAINING / "courses" / "day1-am.yaml", tmp_path / "courses")
    (tmp_path / "courses" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (tmp_path / "courses" / "nokind.yaml").write_text("title: x\nitems:\n- key: a\n  title: b\n", encoding="utf-8")
    (tmp_path / "paths" / "cs-agent.yaml").write_text(
        "title: t\nsteps:\n- course: day1-am\n  due_day: 0\n- course: day1-am\n  due_day: 1\n", encoding="utf-8")
    (tmp_path / "paths" / "order-agent.yaml").write_text(
        "title: t\nsteps:\n- course: day1-am\n  due_day: -1\n", encoding="utf-8")
    report = _load(env, tmp_path)
    assert report.created == 1 and len(report.errors) == 4
    assert any("循环" in e or "loop" in e for e in report.errors)
    assert dbsession.scalar(select(func.count()).select_from(TrainingPath)) == 0


def test_sweep_command(env, dbsession, clock):
    ft.standard_programme()
    person = ft.new_hire(date(2026, 3, 1))
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    progress = Progress(quiet=True)
    assert cmd_sweep(env, None, progress) == 0
    assert cmd_sweep(env, None, progress) == 0
    dbsession.commit()
    # Day one's two readings and its shadowing; the second run leaves nothing new.
    assert dbsession.scalar(select(func.count()).select_from(Notice).where(Notice.account_id == person.id)) == 3


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
