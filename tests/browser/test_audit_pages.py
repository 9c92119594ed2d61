"""Every public, member and staff page measured on a 390×844 phone, in 3 modes.

Modes: normal Chinese, 长辈版 (large text) and English. On every page: each link and button is
at least 44 px (60 px in 长辈版) on both sides; in 长辈版 no text is under 18 px and no line
height under 1.3; text contrast is at least 4.5 : 1; nothing sticks out sideways at 320 px width
or with the text at 200 %; axe finds no violation; English pages hold no CJK character or
Chinese punctuation outside what people typed in (the database's text). All problems are
collected and reported together. The demo data (app/demo.py) gives pages with real content.

Public and member pages (and the units' and volunteers') are walked in all 3 modes; staff pages
(conveners', administrators') in normal mode and English, since 长辈版 is the members' promise.
axe runs once per page, in normal mode: it reads the markup, the same in every mode, and the
one rule that depends on the mode (contrast) is measured in every mode by MEASURE_JS.
"""

import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app import clock
from app.demo import seed
from app.extensions import db
from app.models import (
    AgendaItem,
    Attendance,
    Body,
    Constituency,
    Meeting,
    Motion,
    Objection,
    OwnerDecision,
    PointsAccount,
    Project,
    Resolution,
    ResponsibleUnit,
    Seat,
    Shop,
    SignInLink,
    Task,
    Topic,
    UnitStaff,
    User,
)
from app.models.accounts import hash_token
from app.owners.demo import DEMO_CODE
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


#: Text the walk itself types (an objection): data, like the demo's.
TYPED_BY_THE_WALK = ["路口的路灯太暗，晚上看不清台阶。", "附近居民"]

#: Who signs in for each group of pages, by phone or username (the demo's people).
PEOPLE = {
    "member": ("phone", "13910000213"),  # 华兴街 merchant member, clerk of 老字号茶铺
    "volunteer": ("phone", "13700000001"),  # 刘阿姨, a volunteer with service points
    "unit": ("username", "zhoumin"),  # 锦华物业's staff
    "convener": ("username", "zhaojun"),
    "xietang": ("username", "qianhong"),  # 斜塘's convener: the lists' batches
    "owners": ("username", "sunli"),  # the 小区's convener: owners' decisions
    "admin": ("username", "admin"),
}

#: Pages deliberately left out of the walk, and why (every other GET route is walked):
#: - files, not pages: the open-data feeds (opendata.*, lists.projects_json/_csv,
#:   lists.pledges_csv), owners' result.json and exports (csv/xlsx), meetings' .ics and
#:   minutes.md, task photos (followup.photo) and decision attachments (owners.attachment);
#: - HTMX fragments polled into pages that are walked: meetings.presence, meetings.room_live,
#:   meetings.speakers_panel, meetings.speaker_panel, voting.panel, voting.progress,
#:   voting.ballot_changes, bodies.apportion (also walked as a whole page below);
#: - redirects only: accounts.link_sign_in (used to sign in), voting.ballot_link (to the
#:   ballot), followup.new_resolution once the motion has its resolution (to its page).
#: - the projector is walked here at phone width too, and its 720p/1080p fit has its own test.


def _demo() -> dict:
    """Seed the demo, open today's vote with the member checked in; return the pages' paths.

    Also: one resolution in its notice period with an answered objection (the objection form
    and receipt), so every kind of page shows real content.
    """
    seed(db.session)
    body = db.session.scalar(sa.select(Body).where(Body.slug == "huaxing"))
    now_meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "in_session"))
    past = db.session.scalar(sa.select(Meeting).where(Meeting.status == "closed"))
    motion = db.session.scalar(sa.select(Motion).where(Motion.status == "draft"))
    ballots.open_motion(db.session, motion, clock.now())
    member = db.session.scalar(sa.select(User).where(User.phone == "13910000213"))
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
    resolutions = db.session.scalars(
        sa.select(Resolution).where(Resolution.body_id == body.id).order_by(Resolution.id)
    ).all()
    resolution, in_notice = resolutions[0], resolutions[-1]
    in_notice.notice_ends_on = clock.now().date() + timedelta(days=5)
    db.session.add(
        Objection(
            resolution_id=in_notice.id,
            receipt_no="YY-AUDIT-1",
            text="清运时间太晚，影响休息。",
            answer="已与物业商定提前到 21:00。",
            answered_at=clock.now(),
        )
    )
    task = db.session.scalar(sa.select(Task).where(Task.status == "in_progress"))
    unit = db.session.scalar(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.id).limit(1))
    staff_unit = db.session.scalar(
        sa.select(ResponsibleUnit)
        .join(UnitStaff, UnitStaff.unit_id == ResponsibleUnit.id)
        .join(User, User.id == UnitStaff.user_id)
        .where(User.username == "zhoumin")
    )
    unit_task = db.session.scalar(
        sa.select(Task).where(Task.unit_id == staff_unit.id).order_by(Task.id.desc()).limit(1)
    )
    xietang = db.session.scalar(sa.select(Body).where(Body.slug == "xietang"))
    xiaoqu = db.session.scalar(sa.select(Body).where(Body.slug == "xiaoqu"))
    neighbour = db.session.scalar(
        sa.select(User)
        .join(Seat, Seat.holder_id == User.id)
        .join(Constituency)
        .where(Constituency.body_id == xietang.id)
        .order_by(Seat.id)
        .limit(1)
    )
    project = db.session.scalar(
        sa.select(Project).where(Project.body_id == xietang.id).order_by(Project.id).limit(1)
    )
    decisions = db.session.scalars(
        sa.select(OwnerDecision)
        .where(OwnerDecision.body_id == xiaoqu.id)
        .order_by(OwnerDecision.id)
    ).all()
    closed_decision, open_decision = decisions[0], decisions[-1]
    shop = db.session.scalar(
        sa.select(Shop).join(ResponsibleUnit).where(ResponsibleUnit.slug == "laozihao-chapu")
    )
    volunteer = db.session.scalar(sa.select(User).where(User.phone == "13700000001"))
    points_code = db.session.scalar(
        sa.select(PointsAccount.code).where(PointsAccount.user_id == volunteer.id)
    )
    item = db.session.get(AgendaItem, motion.agenda_item_id)  # a decision item in session
    constituency = body.constituencies[0]
    convener = db.session.scalar(sa.select(User).where(User.username == "zhaojun"))
    links = {}
    people = dict(PEOPLE, neighbour=("id", neighbour.id))
    for who, (column, value) in people.items():
        user = db.session.scalar(sa.select(User).where(getattr(User, column) == value))
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
            "objection-form": f"/resolutions/{in_notice.id}",
            "objection-receipt": (f"/resolutions/{in_notice.id}", _file_an_objection),
            "unit": f"/units/{unit.slug}",
            "ranking": f"/b/{slug}/ranking",
            "meetings": f"/b/{slug}/meetings",
            "meeting": f"/meetings/{past_id}",
            "happiness": f"/bodies/{xietang.slug}/happiness",
            "owners-decisions": f"/b/{xiaoqu.slug}/owners/decisions",
            "owners-decision": f"/owners/decisions/{closed_decision.id}",
            "owners-decision-open": f"/owners/decisions/{open_decision.id}",
            "owners-notice": f"/owners/decisions/{closed_decision.id}/notice",
            "owner-code": "/o",
            "owner-home": f"/o/{DEMO_CODE}",
            "owner-ballot": f"/o/{DEMO_CODE}/d/{open_decision.id}",
            "owner-confirm": (f"/o/{DEMO_CODE}/d/{open_decision.id}", _choose_yes),
            "sign-in": "/sign-in",
        },
        "member": {
            "me": "/me",
            "meeting-now": f"/meetings/{now_id}",
            "checkin": f"/checkin/{now_meeting.checkin_token}",
            "room": f"/meetings/{now_id}/room",
            "ballot": f"/meetings/{now_id}/vote",
            "ballot-confirm": (f"/meetings/{now_id}/vote", _choose_yes),
            "task": f"/tasks/{task.id}",
            "minutes": f"/meetings/{past_id}/minutes",
            "my-points": f"/bodies/{slug}/my-points",
            "shop": f"/shops/{shop.id}",
            "points-scan": f"/r/{points_code}",
        },
        "volunteer": {
            "volunteer-points": f"/bodies/{slug}/my-points",
        },
        "neighbour": {
            "lists": f"/bodies/{xietang.slug}/lists",
            "project": f"/projects/{project.id}",
        },
        "unit": {
            "unit-tasks": f"/units/{staff_unit.slug}/tasks",
            "unit-task": f"/tasks/{unit_task.id}",
            "unit-me": "/me",
        },
        "convener": {
            "triage": f"/b/{slug}/triage",
            "manage": f"/meetings/{now_id}/manage",
            "manage-past": f"/meetings/{past_id}/manage",
            "convener-room": f"/meetings/{now_id}/room",
            "motion": f"/motions/{motion.id}",
            "new-motion": f"/items/{item.id}/motions/new",
            "followup": f"/b/{slug}/followup",
            "body-units": f"/b/{slug}/units",
            "resolution-manage": f"/resolutions/{resolution.id}/manage",
            "new-task": f"/resolutions/{resolution.id}/tasks/new",
            "setup": f"/b/{slug}/setup",
            "apportion": f"/b/{slug}/apportion?total=20",
            "rule": f"/b/{slug}/rule",
            "constituency": f"/b/{slug}/constituencies/{constituency.id}/edit",
            "roster": f"/b/{slug}/roster",
            "seat": f"/b/{slug}/seats/{seat.id}",
            "person": f"/people/{member.id}",
            "sign-in-cards": f"/b/{slug}/sign-in-cards",
            "topics-qr": f"/b/{slug}/topics/qr",
            "meeting-new": f"/b/{slug}/meetings/new",
            "meeting-edit": f"/meetings/{now_id}/edit",
            "item-edit": f"/meetings/{now_id}/items/{item.id}/edit",
            "floor-rules": f"/b/{slug}/floor-rules",
            "points-organiser": f"/bodies/{slug}/points",
            "projector": f"/meetings/{now_id}/projector",
        },
        "xietang": {
            "lists-convener": f"/bodies/{xietang.slug}/lists",
            "project-convener": f"/projects/{project.id}",
        },
        "owners": {
            "owners-registry": f"/b/{xiaoqu.slug}/owners",
            "owners-settings": f"/b/{xiaoqu.slug}/owners/settings",
            "owners-new": f"/b/{xiaoqu.slug}/owners/decisions/new",
            "owners-paper": f"/owners/decisions/{open_decision.id}/paper",
            "owners-door": f"/owners/decisions/{open_decision.id}/door-to-door",
            "owners-extend": f"/owners/decisions/{open_decision.id}/extend",
            "owners-decision-convener": f"/owners/decisions/{open_decision.id}",
        },
        "admin": {
            "admin": "/admin/",
            "admin-body": f"/admin/bodies/{slug}",
            "admin-new-body": "/admin/bodies/new",
            "admin-units": "/admin/units",
            "admin-unit": f"/admin/units/{staff_unit.slug}",
        },
    }
    return {"pages": pages, "links": links}


def _file_an_objection(page) -> None:
    """Type an objection and send it: the page then shows its receipt number."""
    page.locator("form[action*='/objections'] textarea").fill(TYPED_BY_THE_WALK[0])
    page.locator("form[action*='/objections'] input[name=name]").fill(TYPED_BY_THE_WALK[1])
    page.locator("form[action*='/objections'] button[type=submit]").click()
    page.wait_for_load_state()


def _choose_yes(page) -> None:
    """Tap the yes button of a ballot: the page then asks to confirm the choice."""
    page.locator("button[name=choice][value=yes]").first.click()
    page.locator("button.vote-button.yes:not([name=choice])").first.wait_for()
    for _ in range(100):  # polled here: the page's CSP forbids wait_for_function's eval
        if page.evaluate("!document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping')"):
            break
        page.wait_for_timeout(50)


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
    pieces.update(TYPED_BY_THE_WALK)
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


def _open(browser, live_server, link: str | None, state, mode: str):
    """A phone-sized context in ``mode``, signed in through ``link`` (once, then reused)."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", storage_state=state)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if link and state is None:
        page.goto(live_server + link)
        state = context.storage_state()
    cookies = MODES[mode]["cookies"]
    context.add_cookies([{"name": k, "value": v, "url": live_server} for k, v in cookies.items()])
    return context, page, state


def test_every_page_meets_the_phone_elder_and_english_rules(live_server, browser, shot, ctx):
    """Tap targets, text size, contrast, reflow, axe and English hold on every page and mode.

    Public pages are also measured the way Lighthouse and the Nu checker would (axe, meta
    description, heading order, favicon, console errors, page weight): the table is printed
    and written to docs/audit.md.
    """
    started = time.monotonic()
    demo = _demo()
    typed = _typed_text()
    axe = Axe()
    found, figures = [], []
    import os

    for who, pages in demo["pages"].items():
        if os.environ.get("ONLY") and who not in os.environ["ONLY"].split(","):
            continue
        state = None
        # 长辈版 is the members' promise (DOMAIN.md): staff pages are walked in normal mode and
        # English only, which keeps the walk's time reasonable.
        for mode in MODES if who not in STAFF else ("normal", "english"):
            context, page, state = _open(browser, live_server, demo["links"].get(who), state, mode)
            errors = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error, e=errors: e.append(str(error)))
            for name, target in pages.items():
                path, action = target if isinstance(target, tuple) else (target, None)
                response = page.goto(live_server + path)
                if response.status != 200:
                    found.append(f"{name} [{mode}] {path} as {who} answers {response.status}")
                    errors.clear()
                    continue
                if action:
                    action(page)
                # axe reads the markup, which is the same in every mode (its contrast rule is
                # the one that depends on the mode, and MEASURE_JS checks contrast in each):
                # once per page is enough, and axe is most of the walk's time.
                checker = axe if mode == "normal" else None
                if who not in STAFF and mode == "normal":
                    shot(page, f"audit-{name}")
                problems = _check_page(page, mode, checker, typed)
                if who == "anonymous" and mode == "normal":
                    row = _public_figures(page, live_server, name, path, problems, errors)
                    figures.append(row)
                    problems += row["problems"]
                found += [f"{name} [{mode}] {p}" for p in problems]
                found += [f"{name} [{mode}] console: {text}" for text in errors]
                errors.clear()
            context.close()
    table = _figures_table(figures)
    AUDIT_REPORT.write_text(AUDIT_HEADER + table)
    print(f"\n{table}\nthe walk took {time.monotonic() - started:.0f} s")
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


#: Who sees staff pages (conveners, administrators): axe runs on them in normal mode only.
STAFF = {"convener", "xietang", "owners", "admin"}
AUDIT_REPORT = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
AUDIT_HEADER = """# Public pages measured offline

Written by `tests/browser/test_audit_pages.py` on every run (the demo data, a 390×844 phone,
normal mode). Lighthouse and the Nu HTML checker need the internet; these are the figures they
would look at, computed in Chromium: axe-core violations, whether a meta description is there,
heading jumps (an `h3` after an `h1`), what `/favicon.ico` and the page's icon link answer,
console errors, and the page's weight with everything it loads (HTML, CSS, JavaScript, images,
uncompressed bytes as sent by the test server; KB = 1,000 bytes) and the number of requests.

"""

#: The page's figures: headings, description, icon and the bytes of everything it loaded.
FIGURES_JS = r"""
() => {
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .map((h) => Number(h.tagName[1]));
  const jumps = [];
  levels.forEach((level, i) => {
    const before = i ? levels[i - 1] : 0;
    if (level > before + 1) jumps.push(`h${before || '-'}→h${level}`);
  });
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  const bytes = entries.reduce((sum, e) => sum + (e.decodedBodySize || 0), 0);
  const description = document.querySelector('meta[name=description]');
  const icon = document.querySelector('link[rel~=icon]');
  return {
    h1: levels.filter((l) => l === 1).length,
    jumps,
    description: description ? description.content.length : 0,
    icon: icon ? icon.href : '',
    bytes,
    requests: entries.length,
  };
}
"""


def _public_figures(page, live_server, name, path, problems, errors) -> dict:
    """A public page's offline Lighthouse/Nu figures, and the problems they show."""
    figures = page.evaluate(FIGURES_JS)
    icons = {
        page.request.get(live_server + "/favicon.ico").status,
        page.request.get(figures["icon"]).status if figures["icon"] else 404,
    }
    row = {
        "page": name,
        "path": path,
        "axe": sum(1 for p in problems if p.startswith("axe ")),
        "description": figures["description"],
        "h1": figures["h1"],
        "jumps": figures["jumps"],
        "favicon": max(icons),
        "console": len(errors),
        "kb": figures["bytes"] / 1000,
        "requests": figures["requests"],
        "problems": [],
    }
    if not figures["description"]:
        row["problems"].append("no meta description")
    if figures["h1"] != 1:
        row["problems"].append(f"{figures['h1']} h1 headings")
    if figures["jumps"]:
        row["problems"].append("heading jumps " + ", ".join(figures["jumps"]))
    if icons != {200}:
        row["problems"].append(f"favicon answers {sorted(icons)}")
    return row


def _figures_table(rows: list[dict]) -> str:
    """The public pages' figures as a Markdown table."""
    lines = [
        "| page | path | axe | description | h1 | heading jumps | favicon | console errors "
        "| weight KB | requests |",
        "|---|---|--:|--:|--:|---|--:|--:|--:|--:|",
    ]
    for r in rows:
        description = f"{r['description']} chars" if r["description"] else "missing"
        jumps = ", ".join(r["jumps"]) or "none"
        lines.append(
            f"| {r['page']} | `{r['path']}` | {r['axe']} | {description} | {r['h1']} | {jumps} "
            f"| {r['favicon']} | {r['console']} | {r['kb']:.1f} | {r['requests']} |"
        )
    return "\n".join(lines) + "\n"


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
