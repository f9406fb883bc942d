"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without it the
browser tests skip, except where REQUIRE_SERVICES=1 promises it (CI), where they fail.
"""

import functools
import json
import re
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
FORM_ANSWER = re.compile(r"the server responded with a status of (400|409)\b")

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
        if message.type != "error":
            return
        url = message.location.get("url") or ""
        # A form sent with an error comes back as its page again with 400 (invalid) or 409
        # (refused), which the browser reports as a failed load of that page.
        if FORM_ANSWER.search(message.text) and "/static/" not in url:
            return
        errors.append(f"console: {message.text} ({url})")

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


# Accessibility: axe-core ----------------------------------------------------------------------

# Installed from the npm registry at the version pinned in tests/browser/package-lock.json
# (`npm ci --prefix tests/browser`; `make test` does it).
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# What fails a page. axe also reports "moderate" and "minor" findings: they are printed (pytest
# shows them with a failure) and kept in the JSON report, but do not fail.
FAILING_IMPACTS = frozenset({"serious", "critical"})


@functools.cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        missing_service(f"needs axe-core at {AXE_JS}: run `npm ci --prefix tests/browser`")
    return AXE_JS.read_text(encoding="utf-8")


def _describe_violation(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:5]:
        target = " ".join(str(t) for t in node["target"])
        lines.append(f"    {target}\n      {node['html'][:160]}")
        if node.get("failureSummary"):
            lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more")
    lines.append(f"    {violation['helpUrl']}")
    return "\n".join(lines)


def assert_accessible(page, name: str | None = None, *, exclude: list[str] | None = None) -> list:
    """Run axe-core on `page` as it is now and fail on any serious or critical violation.

    Call it again after anything that changes the page (an error message, a swapped
    fragment, another viewport width). With `name`, the whole report is saved as
    tests/artifacts/axe/<name>.json. `exclude` takes CSS selectors axe should skip (for a
    third-party widget, say why next to the call). Returns the violations that did not fail.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not as an inline <script>: the site's CSP
        # forbids inline script, and that refusal is what it should do.
        page.evaluate(_axe_source())
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
    results = page.evaluate(
        """async (context) => {
            const r = await axe.run(context === "document" ? document : context,
                                    {resultTypes: ["violations"]});
            return {url: r.url, violations: r.violations, incomplete: r.incomplete.length};
        }""",
        context,
    )
    width = page.viewport_size["width"] if page.viewport_size else "?"
    if name:
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "-", name)
        (folder / f"{safe}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    others = [v for v in results["violations"] if v["impact"] not in FAILING_IMPACTS]
    for violation in others:
        print(f"axe ({results['url']}, {width} px), not failing:\n{_describe_violation(violation)}")
    assert not failing, (
        f"axe-core found {len(failing)} serious or critical violation(s) on {results['url']} "
        f"at {width} px wide:\n" + "\n".join(_describe_violation(v) for v in failing)
    )
    return others


def assert_fits_width(page) -> None:
    """Nothing sticks out sideways: the page scrolls only vertically at its viewport width."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5).map((el) => el.outerHTML.slice(0, 120))""",
            width,
        )
        pytest.fail(f"{page.url} is {scroll} px wide at a {width} px viewport:\n" + "\n".join(wide))
