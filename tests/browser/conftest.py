"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Debian's Chromium.

Chromium comes from Debian (``apt-get install chromium``); Playwright never downloads a browser
here. Without Chromium these tests skip with a message, except in CI (``CI=true``), where a
missing browser is a failure. Screenshots of each step go to ``test-artifacts/browser/``; a
failing test also leaves its last screenshot and the page's HTML there.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}


def sign_in(page, base, login, next_path="", password=None):
    """Sign ``login`` in on ``page`` through the sign-in form and wait until it has left the form.

    Waiting matters: an action started while the form's POST is still in flight (a ``goto``, a
    read of the page) races the answer that sets the session cookie.
    """
    from tests.factories import PASSWORD

    page.goto(f"{base}/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("手机号或用户名").fill(login)
    page.get_by_label("密码").fill(password or PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def pytest_collection_modifyitems(config, items):
    """Skip (or, in CI, fail) every browser test when Chromium is not installed."""
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver)"
    for item in items:
        if "tests/browser" in str(item.fspath):
            if os.environ.get("CI") == "true":
                item.add_marker(pytest.mark.usefixtures("_browser_required_in_ci"))
            else:
                item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture
def _browser_required_in_ci():
    pytest.fail("CI=true but Chromium is missing: .ci/run must install it")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item, for the failure artefacts."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter):
    """Tell where the screenshots are."""
    if ARTIFACTS.exists() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS}")


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a free loopback port, for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_context(browser, request):
    """Open browser contexts (one per person); on failure save their screenshots and HTML."""
    contexts = []

    def open_one(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_one
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, context in enumerate(contexts):
        if failed:
            for number, page in enumerate(context.pages):
                stem = f"FAILED-{_slug(request.node.name)}-{index}-{number}"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
                (ARTIFACTS / f"{stem}.html").write_text(page.content())
        context.close()


@pytest.fixture
def shot():
    """Save a screenshot of a page's viewport as test-artifacts/browser/NAME.png."""

    def save(page, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return save


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label: str = "") -> None:
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        details = "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe found serious/critical problems on {label or page.url}: {details}"

    return check


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text)[:80]
