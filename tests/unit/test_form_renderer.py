"""The deform renderer's retry of a template whose compilation hit CPython's shared AST depth counter."""

import colander
import deform
import pytest

from cs_handbook.templating import FormRenderer

MISMATCH = "AST constructor recursion depth mismatch (before=450, after=471)"


def _renderer(monkeypatch, failures: list[Exception]):
    renderer = FormRenderer(deform.Form.default_renderer.loader.search_path, auto_reload=False)
    real_load = renderer.load
    calls = []

    def load(name):
        template = real_load(name)
        # Compiled here, outside the failures under test: a render retried below then only renders.
        # (A real compile there could meet the very CPython bug for real, from a finalizer
        # or another thread parsing meanwhile, and the test would fail for the wrong reason.)
        template.cook_check()

        def render(**kw):
            calls.append(name)
            if failures:
                raise failures.pop(0)
            return template(**kw)

        return render

    monkeypatch.setattr(renderer, "load", load)
    return renderer, calls


def test_a_form_renders_after_one_compile_failure_of_the_cpython_bug(monkeypatch):
    renderer, calls = _renderer(monkeypatch, [SystemError(MISMATCH)])
    form = deform.Form(colander.Schema(), renderer=renderer, buttons=("submit",))
    html = form.render()
    assert "<form" in html and "submit" in html
    assert calls.count("form") == 2  # the failed render, then the retry


def test_another_system_error_is_not_hidden(monkeypatch):
    renderer, _calls = _renderer(monkeypatch, [SystemError("something else")])
    with pytest.raises(SystemError, match="something else"):
        renderer("form", field=None)


def test_a_second_failure_in_a_row_is_not_retried_forever(monkeypatch):
    renderer, calls = _renderer(monkeypatch, [SystemError(MISMATCH), SystemError(MISMATCH)])
    with pytest.raises(SystemError, match="recursion depth mismatch"):
        renderer("textinput", field=None)
    assert calls == ["textinput", "textinput"]
