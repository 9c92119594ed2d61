"""Screenshots of the pages added after the first audit, with the current header.

At 390×844 in normal mode, 长辈版 and English, and at 1280×800: the 会场 (room), the owners'
ballot, service points, the inbox (我的), the units' ranking, the three lists and the 幸福账单.
They go to docs/screenshots/i20-<page>-<mode>-after.png (the -before.png copies were taken on
main before these fixes). The audit walk (test_audit_pages.py) measures the same pages; these
are for people to look at.
"""

from pathlib import Path

from tests.browser.conftest import PHONE
from tests.browser.test_audit_pages import MODES, _demo

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
#: (name, who signs in, the page's name in the audit walk's demo pages)
PAGES = [
    ("room", "member", "room"),
    ("owner-ballot", "anonymous", "owner-ballot"),
    ("points", "volunteer", "volunteer-points"),
    ("inbox", "member", "me"),
    ("ranking", "anonymous", "ranking"),
    ("lists", "neighbour", "lists"),
    ("happiness", "anonymous", "happiness"),
]
SIZES = [(mode, PHONE) for mode in MODES] + [("laptop", LAPTOP)]


def test_screenshots_of_the_later_pages(live_server, browser, ctx):
    """Each page in each mode answers 200 and is saved as a screenshot."""
    demo = _demo()
    states = {}
    for name, who, key in PAGES:
        path = demo["pages"][who][key]
        for mode, viewport in SIZES:
            context = browser.new_context(
                viewport=viewport, locale="zh-CN", storage_state=states.get(who)
            )
            page = context.new_page()
            if who != "anonymous" and who not in states:
                page.goto(live_server + demo["links"][who])
                states[who] = context.storage_state()
            cookies = MODES.get(mode, MODES["normal"])["cookies"]
            context.add_cookies(
                [{"name": k, "value": v, "url": live_server} for k, v in cookies.items()]
            )
            response = page.goto(live_server + path)
            assert response.status == 200, f"{path}: {response.status}"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"i20-{name}-{mode}-after.png")
            context.close()
