"""Every action the site records has a name in both languages and can be picked in the audit log's filter.

The actions are read from the code itself: every call that records an audit event (the
service's `record`/`record_now`, and the helpers that pass their own `action` argument on
to it, found the same way) and what its action argument can be.
"""

import ast
import importlib
import re
from datetime import UTC, datetime
from pathlib import Path

from pyramid.interfaces import ILocalizer

from cs_handbook.models.audit import AuditEvent
from cs_handbook.services.audit import AuditAction
from cs_handbook.views.admin.audit_text import ACTION_TITLES
from tests.conftest import login
from tests.factories import AccountFactory

PACKAGE = Path(__file__).resolve().parents[2] / "cs_handbook"
HAN = re.compile(r"[\u4e00-\u9fff]")


class _Module:
    def __init__(self, path: Path):
        self.name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}

    def function_of(self, node):
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def resolve(self, expr, function, where) -> tuple[set[str], str | None]:
        """(action strings `expr` can be, the parameter of `function` it is when it is one)."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}, None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "AuditAction":
            return {getattr(AuditAction, expr.attr)}, None
        if isinstance(expr, ast.IfExp):
            (a, _), (b, _) = self.resolve(expr.body, function, where), self.resolve(expr.orelse, function, where)
            return a | b, None
        if isinstance(expr, ast.Name):
            if function is not None:
                params = [a.arg for a in function.args.args + function.args.kwonlyargs]
                assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                            and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
                if assigned:
                    found = set()
                    for value in assigned:
                        found |= self.resolve(value, function, where)[0]
                    return found, None
                if expr.id in params:
                    return set(), expr.id
            value = getattr(importlib.import_module(self.name), expr.id)  # a module constant
            assert isinstance(value, str), where
            return {value}, None
        raise AssertionError(f"{where}: cannot tell which action {ast.dump(expr)} is")


def _action_argument(call, index, keyword):
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def recorded_actions() -> dict[str, set[str]]:
    """action -> the places recording it."""
    modules = [_Module(p) for p in sorted(PACKAGE.rglob("*.py")) if "alembic" not in p.parts]
    found: dict[str, set[str]] = {}
    # (name called, index of the action among the call's arguments, its keyword, how it is called): the
    # service's methods on something named audit, then helpers as methods (self._record) or functions.
    recorders = {("record", 0, "action", "audit"), ("record_now", 0, "action", "audit")}
    seen = set()
    while recorders - seen:
        recorder = next(iter(recorders - seen))
        seen.add(recorder)
        name, index, keyword, receiver = recorder
        for module in modules:
            for call in ast.walk(module.tree):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called != name:
                    continue
                if receiver == "audit" and not (isinstance(func, ast.Attribute) and re.search(
                        r"audit|AuditService", ast.unparse(func.value))):
                    continue
                if receiver == "function" and not isinstance(func, ast.Name):
                    continue
                if receiver == "method" and not isinstance(func, ast.Attribute):
                    continue
                where = f"{module.name}:{call.lineno}"
                expr = _action_argument(call, index, keyword)
                assert expr is not None, where
                function = module.function_of(call)
                actions, parameter = module.resolve(expr, function, where)
                for action in actions:
                    found.setdefault(action, set()).add(where)
                if parameter is not None:
                    # A helper passing its own argument on: its callers say which action.
                    params = [a.arg for a in function.args.args]
                    method = params[:1] in (["self"], ["cls"])
                    recorders.add((function.name, params.index(parameter) - method, parameter,
                                   "method" if method else "function"))
    return found


def test_every_recorded_action_is_known_and_named_in_both_languages(app):
    found = recorded_actions()
    # The scan finds the foundation's, the quizzes' and QA's actions, through their helpers too.
    assert {"signin", "grant.added", "quiz.created", "quiz.settings_changed", "quiz.essay_marked",
            "qa.scored", "qa.rules.changed", "setting.changed"} <= set(found)
    unknown = {action: sorted(where) for action, where in found.items() if action not in AuditAction.all()}
    assert not unknown, f"recorded but not in AuditAction: {unknown}"
    zh = app.registry.getUtility(ILocalizer, name="zh_CN")
    en = app.registry.getUtility(ILocalizer, name="en")
    for action in AuditAction.all():
        assert action in ACTION_TITLES, f"{action} has no name"
        assert HAN.search(zh.translate(ACTION_TITLES[action])), action
        assert en.translate(ACTION_TITLES[action]) not in ("", action), action


def test_the_filter_offers_every_action_by_name_and_filters_by_it(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"], language="zh_CN")
    AccountFactory(username="boss.en", roles=["admin"], language="en")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    dbsession.add_all([
        AuditEvent(action="quiz.created", actor_name="teacher", at=at, target_type="quiz", target_id="4",
                   detail={"slug": "day2-basics", "changed": []}),
        AuditEvent(action="quiz.settings_changed", actor_name="teacher", at=at, target_type="quiz", target_id="4",
                   detail={"slug": "day2-basics", "changed": ["pass_mark", "open_at"]}),
        AuditEvent(action="signin", actor_name="teacher", at=at, detail={}),
    ])
    dbsession.commit()
    for username, created, changed, changed_details in (
            ("boss", "新建测验", "修改测验", "修改的字段：及格线（%）、开放时间"),
            ("boss.en", "Quiz created", "Quiz changed", "Changed: Pass mark (%)、Opening time")):
        testapp.reset()
        login(testapp, username)
        page = testapp.get("/admin/audit")
        options = {o["value"]: o.get_text(strip=True) for o in page.html.select("select[name=action] option")
                   if o["value"]}
        assert set(options) == set(AuditAction.all()) >= set(recorded_actions())
        assert options["quiz.created"] == created and options["quiz.settings_changed"] == changed
        rows = [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
                for tr in testapp.get("/admin/audit", {"action": "quiz.settings_changed"}).html.select(
                    "table.audit tbody tr")]
        assert len(rows) == 1 and rows[0][2] == changed
        assert "day2-basics" in rows[0][3] and changed_details in rows[0][4]
