"""The `.jinja2` renderer finds each view's template once, and still reloads an edited file."""

import os
import time
from types import SimpleNamespace

from jinja2 import Environment
from pyramid_jinja2 import SmartAssetSpecLoader

import tests.unit
from cs_handbook.templating import ResolvingRendererFactory


class CountingLoader(SmartAssetSpecLoader):
    def __init__(self, searchpath):
        super().__init__(searchpath)
        self.asked: list[str] = []

    def get_source(self, environment, template):
        self.asked.append(template)
        return super().get_source(environment, template)


def _renderer(tmp_path, auto_reload=False):
    (tmp_path / "page.jinja2").write_text("Hello {{ name }}", encoding="utf-8")
    loader = CountingLoader([str(tmp_path)])
    factory = ResolvingRendererFactory()
    factory.environment = Environment(loader=loader, auto_reload=auto_reload)
    # As for a view in `tests.unit` naming a template on the search path, not beside its package.
    return factory(SimpleNamespace(name="page.jinja2", package=tests.unit)), loader


def test_the_lookup_beside_the_package_is_missed_once_not_on_every_render(tmp_path):
    render, loader = _renderer(tmp_path)
    pages = [render({"name": f"reader {i}"}, {}) for i in range(3)]
    assert pages == ["Hello reader 0", "Hello reader 1", "Hello reader 2"]
    assert loader.asked == ["tests.unit:page.jinja2", "page.jinja2"]


def test_an_edited_template_is_read_again_when_reloading_is_on(tmp_path):
    render, _loader = _renderer(tmp_path, auto_reload=True)
    assert render({"name": "A"}, {}) == "Hello A"
    page = tmp_path / "page.jinja2"
    page.write_text("Goodbye {{ name }}", encoding="utf-8")
    later = time.time() + 5  # the file's time must differ from the one Jinja2 saw
    os.utime(page, (later, later))
    assert render({"name": "A"}, {}) == "Goodbye A"
