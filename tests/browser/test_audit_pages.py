"""Every public, member and convener page measured on a 390×844 phone, in 3 modes.

Modes: normal Chinese, 长辈版 (large text) and English. On every page: each link and button is
at least 44 px (60 px in 长辈版) on both sides; in 长辈版 no text is under 18 px and no line
height under 1.3; text contrast is at least 4.5 : 1; nothing sticks out sideways at 320 px width
or with the text at 200 %; axe finds no violation; English pages hold no CJK character or
Chinese punctuation outside what people typed in (the database's text). All problems are
collected and reported together. The demo data (app/demo.py) gives pages with real content.
"""

import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app import clock
from app.demo import seed
from app.extensions import db
from app.models import (
    Attendance,
    Body,
    Meeting,
    Motion,
    Resolution,
    ResponsibleUnit,
    SignInLink,
    Task,
    Topic,
    User,
)
from app.models.accounts import hash_token
from app.voting import ballots
from tests.browser.audit import (
    DOUBLE_TEXT_JS,
    MEASURE_JS,
    OVERFLOW_JS,
    RESET_TEXT_JS,
    WORDS_JS,
    leftover_cjk,
)
from tests.browser.conftest import PHONE

FOLLOW_TOKEN = "audit-follow-token-0123456789abcdef"
#: Columns holding codes, not text typed by a person: their values must be translated.
CODE_COLUMNS = {
    "status",
    "kind",
    "decline_reason",
    "method",
    "choice",
    "field",
    "action",
    "object_type",
    "value",
    "key",
    "role",
    "photo_type",
    "slug",
}
#: JSON lists of words a body chose itself (its topic categories).
WORD_LISTS = [(Body, "topic_categories")]
MODES = {
    "normal": {"cookies": {}, "tap": 44, "text": 0},
    "large": {"cookies": {"lianxi_large": "1"}, "tap": 60, "text": 18},
    "english": {"cookies": {"lianxi_lang": "en"}, "tap": 44, "text": 0},
}


def _demo() -> dict:
    """Seed the demo, open today's vote with the member checked in; return the pages' paths."""
    seed(db.session)
    body = db.session.scalar(sa.select(Body).where(Body.slug == "huaxing"))
    now_meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "in_session"))
    past = db.session.scalar(sa.select(Meeting).where(Meeting.status == "closed"))
    motion = db.session.scalar(sa.select(Motion).where(Motion.status == "draft"))
    ballots.open_motion(db.session, motion, clock.now())
    member = db.session.scalar(sa.select(User).where(User.phone == "13910000213"))
    convener = db.session.scalar(sa.select(User).where(User.username == "zhaojun"))
    seat = member.seats[0]
    db.session.add(
        Attendance(
            meeting_id=now_meeting.id,
            seat_id=seat.id,
            user_id=member.id,
            method="qr",
            checked_in_at=clock.now(),
        )
    )
    topic = db.session.scalar(sa.select(Topic).where(Topic.status == "submitted").limit(1))
    topic.follow_token_hash = hash_token(FOLLOW_TOKEN)
    resolution = db.session.scalar(sa.select(Resolution).order_by(Resolution.id).limit(1))
    task = db.session.scalar(sa.select(Task).where(Task.status == "in_progress"))
    unit = db.session.scalar(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.id).limit(1))
    links = {}
    for who, user in (("member", member), ("convener", convener)):
        link, token = SignInLink.issue(user, convener, days=1)
        db.session.add(link)
        links[who] = f"/l/{token}"
    db.session.commit()
    slug, now_id, past_id = body.slug, now_meeting.id, past.id
    pages = {
        "anonymous": {
            "home": "/",
            "body": f"/b/{slug}",
            "topics": f"/b/{slug}/topics",
            "topic": f"/topics/{topic.id}",
            "new-topic": f"/b/{slug}/topics/new",
            "follow": f"/t/{FOLLOW_TOKEN}",
            "resolutions": "/board/resolutions",
            "resolution": f"/resolutions/{resolution.id}",
            "unit": f"/units/{unit.slug}",
            "meetings": f"/b/{slug}/meetings",
            "meeting": f"/meetings/{past_id}",
            "sign-in": "/sign-in",
        },
        "member": {
            "me": "/me",
            "meeting-now": f"/meetings/{now_id}",
            "ballot": f"/meetings/{now_id}/vote",
            "task": f"/tasks/{task.id}",
        },
        "convener": {
            "triage": f"/b/{slug}/triage",
            "manage": f"/meetings/{now_id}/manage",
            "manage-past": f"/meetings/{past_id}/manage",
            "minutes": f"/meetings/{past_id}/minutes",
            "motion": f"/motions/{motion.id}",
            "followup": f"/b/{slug}/followup",
            "resolution-manage": f"/resolutions/{resolution.id}/manage",
            "setup": f"/b/{slug}/setup",
            "roster": f"/b/{slug}/roster",
            "projector": f"/meetings/{now_id}/projector",
        },
    }
    return {"pages": pages, "links": links}


def _typed_text() -> list[str]:
    """Every piece of text people typed into the database, longest first."""
    pieces = set()
    for table in db.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, sa.String | sa.Text) and c.name not in CODE_COLUMNS
        ]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if value:
                    pieces.update(part for part in str(value).splitlines() if part.strip())
    for model, attribute in WORD_LISTS:
        for words in db.session.scalars(sa.select(getattr(model, attribute))):
            pieces.update(words or [])
    return sorted(pieces, key=len, reverse=True)


def _check_page(page, mode: str, axe: Axe | None, typed: list[str]) -> list[str]:
    """All problems of the loaded page in ``mode``."""
    settings = MODES[mode]
    problems = list(
        page.evaluate(MEASURE_JS, {"minTap": settings["tap"], "minText": settings["text"]})
    )
    for violation in axe.run(page).response["violations"] if axe else []:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    if mode == "english":
        text = page.evaluate(WORDS_JS)
        problems += [f"Chinese in English: {line}" for line in leftover_cjk(text, typed)]
    page.evaluate(DOUBLE_TEXT_JS)
    problems += [f"at 200% text: {p}" for p in page.evaluate(OVERFLOW_JS)]
    page.evaluate(RESET_TEXT_JS)
    page.set_viewport_size({"width": 320, "height": 700})
    problems += [f"at 320px: {p}" for p in page.evaluate(OVERFLOW_JS)]
    page.set_viewport_size(PHONE)
    return problems


def test_every_page_meets_the_phone_elder_and_english_rules(live_server, browser, shot, ctx):
    """Tap targets, text size, contrast, reflow, axe and English hold on every page and mode."""
    demo = _demo()
    typed = _typed_text()
    axe = Axe()
    found = []
    for who, pages in demo["pages"].items():
        state = None
        for mode, settings in MODES.items():
            context = browser.new_context(viewport=PHONE, locale="zh-CN", storage_state=state)
            context.set_default_timeout(10_000)
            page = context.new_page()
            errors = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error, e=errors: e.append(str(error)))
            if who != "anonymous" and state is None:
                page.goto(live_server + demo["links"][who])
                state = context.storage_state()
            context.add_cookies(
                [
                    {"name": k, "value": v, "url": live_server}
                    for k, v in settings["cookies"].items()
                ]
            )
            for name, path in pages.items():
                response = page.goto(live_server + path)
                assert response.status == 200, f"{path} as {who}: {response.status}"
                # The convener's pages are the same markup in every mode: axe once is enough,
                # which keeps the walk under a minute and a half.
                checker = axe if who != "convener" or mode == "normal" else None
                if who != "convener":
                    shot(page, f"audit-{name}-{mode}")
                found += [f"{name} [{mode}] {p}" for p in _check_page(page, mode, checker, typed)]
                found += [f"{name} [{mode}] console: {text}" for text in errors]
                errors.clear()
            context.close()
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


def test_the_projector_fits_720p_and_1080p_and_reads_on_a_phone(live_server, browser, shot, ctx):
    """The projector needs no scrolling at 1280×720 or 1920×1080 and is one column on a phone."""
    demo = _demo()
    path = demo["pages"]["convener"]["projector"]
    axe = Axe()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + demo["links"]["convener"])
    page.goto(live_server + path)
    page.wait_for_selector(".projector-vote .progress-table")
    found = []
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        size = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        if size[0] > width or size[1] > height:
            found.append(f"{width}x{height}: the page is {size[0]}x{size[1]}")
        shot(page, f"audit-projector-{width}x{height}")
    page.set_viewport_size(PHONE)
    found += page.evaluate(OVERFLOW_JS)
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('main p, main h1, main td, main th')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    if smallest < 16:
        found.append(f"phone: text of {smallest}px")
    column = page.evaluate(
        "document.querySelector('.projector-main').getBoundingClientRect().width"
    )
    if column < 300:
        found.append(f"phone: the main column is {column}px wide")
    found += [f"axe {v['id']}" for v in axe.run(page).response["violations"]]
    shot(page, "audit-projector-phone", full_page=True)
    context.close()
    assert not found, found


WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2102A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
    "MMWEBSDK/20221012 MMWEBID/1571 MicroMessenger/8.0.30.2260(0x28001E3B) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


def test_wechat_in_app_browser_shares_a_card_and_votes(live_server, browser, shot, ctx):
    """Under WeChat's user agent: a share card, the icon, a check-in and a two-tap vote."""
    demo = _demo()
    member_seats = db.session.scalar(sa.select(User).where(User.phone == "13910000213")).seats
    db.session.execute(sa.delete(Attendance).where(Attendance.seat_id == member_seats[0].id))
    db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", user_agent=WECHAT)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + demo["pages"]["anonymous"]["resolution"])
    card = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('meta[property^=\"og:\"]')]"
        ".map(m => [m.getAttribute('property'), m.content]))"
    )
    assert card["og:title"].startswith("华兴街联席〔2026〕") and len(card["og:description"]) > 10
    assert page.request.get(card["og:image"]).headers["content-type"] == "image/png"
    assert page.request.get(live_server + "/favicon.ico").status == 200
    assert page.locator("meta[name=description]").get_attribute("content")

    page.goto(live_server + demo["links"]["member"])
    page.goto(live_server + demo["pages"]["member"]["meeting-now"])
    page.get_by_role("button", name="我到了，签到").click()
    page.get_by_role("link", name="去投票").click()
    page.get_by_role("button", name="反对").click()
    confirm = page.get_by_role("button", name="确认：反对")
    confirm.wait_for()
    for _ in range(100):  # polled here: the page's CSP forbids wait_for_function's eval
        if page.evaluate("!document.querySelector('.htmx-added, .htmx-settling')"):
            break
        page.wait_for_timeout(50)
    shot(page, "audit-wechat-confirm")
    confirm.click()
    page.locator(".ballot-done").wait_for()
    assert "反对" in page.locator(".ballot-done").inner_text()
    assert not errors, errors
    context.close()
