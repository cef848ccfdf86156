"""Browser fixtures: the real app on waitress, driven by Debian's Chromium through Playwright.

Reusable by every area's browser tests (put them in `tests/browser/` and
mark them `@pytest.mark.browser`):

- `live_server`: the `app` of the current backend (SQLite or PostgreSQL, as
  parametrised in tests/conftest.py) served by waitress in a background
  thread on 127.0.0.1 and a free port; `live_server.url` ends without "/".
- `page`: a fresh Playwright page in a new browser context (no cookies) for
  each test; it depends on `dbsession`, so accounts made with
  tests/factories.py are visible and every table is emptied afterwards.
- `browser_login(page, live_server, username, password=DEFAULT_PASSWORD)`:
  signs in through the real form and waits for the signed-in page.

After reading through `dbsession` in the middle of a journey, end its
transaction (`dbsession.rollback()`) before the browser goes on: on SQLite
an open session holds the write lock and the app's next write would wait.

Chromium is never downloaded: `/usr/bin/chromium` (Debian's package) must
exist, and a missing browser is a failure, not a skip.
"""

import os
import threading
from pathlib import Path

import pytest
from waitress.server import create_server

from tests.conftest import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("CS_HANDBOOK_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach
# Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: CI machines are small and PostgreSQL requests share the core.
TIMEOUT_MS = 15_000


class LiveServer:
    """The app on waitress in a thread; `url` is http://127.0.0.1:<port>."""

    def __init__(self, app):
        # Port 0: the kernel picks a free port, so parallel workers never collide.
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4, expose_tracebacks=False)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def stop(self) -> None:
        # Closing every channel and the listening socket empties waitress's
        # socket map, which ends its loop; then its worker threads stop.
        self.server.close()
        while self.server._map:
            for channel in list(self.server._map.values()):
                channel.handle_close()
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    # launch() gives Chromium a new, empty user-data dir of its own (removed
    # at close); each test then gets a cookie-less context of its own.
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server, dbsession):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    # A script error (CSP refusal included) is a failed journey.
    assert not errors, errors


def browser_login(page, live_server, username: str, password: str = DEFAULT_PASSWORD):
    """Sign in through the real sign-in form; returns the page after the redirect."""
    page.goto(live_server("/signin"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[name=submit]")
    return page


@pytest.fixture(name="browser_login")
def browser_login_fixture():
    """The helper as a fixture, for tests that prefer not to import it."""
    return browser_login
