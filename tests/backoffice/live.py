"""Playwright against a real server: the app on 127.0.0.1 at a free port (uvicorn in a thread), driven by
Debian's chromium (never `playwright install`). Import the fixtures into a test module to use them.

The browser lives in a thread of its own, and a test hands its steps to `in_browser(steps)`: Playwright's sync
API refuses to start a second instance on a thread where another one (test_browser.py's) is running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.backoffice.browser import CHROMIUM, CHROMIUM_ARGS, serving
from tests.backoffice.conftest import PASSWORD


@pytest.fixture
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(app) as url:
        yield url


class BrowserThread:
    """One chromium driven from one thread; `run(fn)` calls fn there and answers its result (or raises)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser")
        self.browser = self.pool.submit(self._start).result()

    def _start(self):  # type: ignore[no-untyped-def]
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        return self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def run(self, fn: Callable[[], object]) -> object:
        return self.pool.submit(fn).result()

    def close(self) -> None:
        self.pool.submit(lambda: (self.browser.close(), self.playwright.stop())).result()
        self.pool.shutdown()


@pytest.fixture(scope="session")
def browser_thread() -> Iterator[BrowserThread]:
    thread = BrowserThread()
    yield thread
    thread.close()


@pytest.fixture
def chromium(browser_thread):  # type: ignore[no-untyped-def]
    return browser_thread.browser


@pytest.fixture
def in_browser(browser_thread):  # type: ignore[no-untyped-def]
    """`in_browser(steps)`: run a test's browser steps on the browser's thread."""
    return browser_thread.run


@pytest.fixture
def signed_in(chromium, browser_thread, live_url, make_staff) -> Iterator[Callable[[str], object]]:  # type: ignore[no-untyped-def]
    """`signed_in("fulfillment")`: a fresh browser page signed in to the back office as that role (call it from
    inside `in_browser` steps)."""
    contexts = []

    def _page(role: str = "owner"):  # type: ignore[no-untyped-def]
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_url}/admin/login")
        page.fill("input[name=email]", make_staff(role))
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield _page
    browser_thread.run(lambda: [c.close() for c in contexts])
