"""The strict Content-Security-Policy breaks nothing: real pages in Chromium report no violation."""

import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from werkzeug.serving import make_server

from app.demo import DEMO_PASSWORD, seed
from app.extensions import db

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PAGES_EACH = 15
#: Report every violation to the console, where the test collects it.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => console.error(
  'CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile
  + ':' + e.lineNumber));"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not at {CHROMIUM}"),
]


@pytest.fixture
def demo_site(app, ctx, monkeypatch):
    """The demo data served over HTTP on a free loopback port."""
    seed(db.session)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    monkeypatch.setitem(app.config, "SERVER_NAME", f"127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _crawl(page, base: str) -> list[str]:
    """Visit up to PAGES_EACH pages reachable by links from the home page and "my" page."""
    seen, queue = [], ["/", "/me"]
    while queue and len(seen) < PAGES_EACH:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        # Only the policy is judged here: a page failing for another reason is another test's.
        page.goto(base + path, wait_until="networkidle")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlparse(urljoin(base, href))
            if url.netloc == urlparse(base).netloc and "." not in url.path.rsplit("/", 1)[-1]:
                if not url.path.startswith(("/static", "/l/", "/t/")):
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return seen


def _browse(base: str) -> tuple[list[str], list[str]]:
    """Browse as a visitor and as a convener; return the pages visited and the violations."""
    from playwright.sync_api import sync_playwright

    violations, visited = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for login in (None, "zhaojun"):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(REPORT_VIOLATIONS)
            page = context.new_page()
            page.on("console", lambda m: "CSP violation" in m.text and violations.append(m.text))
            if login:
                page.goto(base + "/sign-in")
                page.fill("#login", login)
                page.fill("#password", DEMO_PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").click()
            visited += _crawl(page, base)
            assert page.evaluate("typeof htmx") == "object"
            context.close()
        browser.close()
    return visited, violations


def test_demo_pages_raise_no_csp_violation(demo_site):
    """A visitor and a convener browse the demo: htmx runs and the browser blocks nothing."""
    # In a thread of its own: the browser tests keep a Playwright (and its event loop) open on
    # the main thread for the whole session, and the sync API refuses to start inside a loop.
    outcome = {}

    def browse() -> None:
        try:
            outcome["result"] = _browse(demo_site)
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=browse)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    visited, violations = outcome["result"]
    assert len(visited) > PAGES_EACH
    assert violations == []
