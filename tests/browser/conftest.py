"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without it the
browser tests skip, except where REQUIRE_SERVICES=1 promises it (CI), where they fail.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import ARTIFACTS, missing_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# The widths every screenshot is taken at, named as the files are.
SCREENSHOT_WIDTHS = {"escritorio": DESKTOP["width"], "telefono": PHONE["width"]}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing_service(f"needs Debian's chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (its own cookies). Console errors (uncaught JavaScript
    exceptions, resources that fail to load) fail the test."""
    contexts = []
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    def open_page(viewport: dict = DESKTOP, *, mobile: bool = False):
        context = browser.new_context(
            viewport=viewport,
            locale="es-MX",
            timezone_id="America/Mexico_City",
            is_mobile=mobile,
            has_touch=mobile,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
        page.on("console", on_console)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("Errors in the browser console:\n" + "\n".join(errors))


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280 px wide)."""
    return new_page(DESKTOP)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(artifacts):
    """Save full-page screenshots of `page` at desktop and phone widths, then restore it."""

    def take(page, name: str) -> list[Path]:
        original = page.viewport_size
        paths = []
        for label, width in SCREENSHOT_WIDTHS.items():
            page.set_viewport_size({"width": width, "height": original["height"]})
            path = artifacts / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            paths.append(path)
        page.set_viewport_size(original)
        return paths

    return take
