"""The whole cycle in a real browser: topic → agenda → meeting → vote → resolution → task → board.

One long test, because each step needs the state the one before it made and every test starts
from an empty database. People sign in through personal links (/l/<token>); phones are 390×844,
the convener works on a laptop (1366×900) and the room's projector is 1920×1080. Every visited
page is checked by axe; htmx swaps are checked to leave the page in place.
"""

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import BodyUnit, Meeting, Rating, SignInLink, Task
from tests.browser.conftest import LAPTOP, PHONE, PROJECTOR
from tests.factories import make_body, make_convener, make_unit, make_user

RULE = {
    "weighting": "seat",
    "base": "cast",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TITLE = "夜里十点后商户卸货太吵"
MOTION = "同意商户晚上十点后不在街面卸货，改到早上七点以后。"


def _link(user, convener) -> str:
    """A personal sign-in link's path for ``user``."""
    link, token = SignInLink.issue(user, convener, days=30)
    db.session.add(link)
    db.session.commit()
    return f"/l/{token}"


def _mark(page) -> None:
    """Put a marker on the window; a full page load would wipe it."""
    page.evaluate("window.__cycleMarker = 1")


def _still_marked(page) -> bool:
    """Whether the page is still the same document as when it was marked."""
    return page.evaluate("window.__cycleMarker === 1")


def keep(page, name: str) -> None:
    """Keep a screenshot of the viewport in docs/screenshots/ (the issue asks to show it)."""
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def print_a4(page, name: str) -> None:
    """Print the page to an A4 PDF as a browser would, and keep its pages as PNGs.

    The PDF's pages are drawn with pdftoppm (poppler-utils) into docs/screenshots/NAME-N.png.
    """
    pdf = SCREENSHOTS / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / name)], check=True
        )
    except FileNotFoundError:  # poppler-utils not installed: the PDF stays for a look
        return
    pdf.unlink()


def _settled(page) -> None:
    """Wait until htmx has wired what it swapped in (a click before that is a plain post).

    Polled from here: the page's CSP forbids the eval that wait_for_function's polling uses.
    """
    for _ in range(100):
        if page.evaluate("!document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping')"):
            return
        page.wait_for_timeout(50)


def _button_heights(page) -> list[float]:
    return page.evaluate(
        "[...document.querySelectorAll('.vote-button')].map(e => e.getBoundingClientRect().height)"
    )


def test_the_whole_cycle_on_phones_a_laptop_and_the_projector(
    live_server, open_context, shot, assert_accessible, ctx
):
    """A resident's topic becomes a vote, a resolution and a task that is rated and closed."""
    body = make_body(
        "huaxing", constituencies=[("居民", 2, None, False), ("商户", 2, None, False)], rule=RULE
    )
    body.name, body.short_name = "华兴街三级党建联席会议", "华兴街联席"
    convener = make_convener(body)
    staff = make_user("李办事")
    unit = make_unit(staff)
    unit.name = "街道城管科"
    db.session.add(BodyUnit(body_id=body.id, unit_id=unit.id))  # one of the body's units
    db.session.commit()
    seats = [seat for c in body.constituencies for seat in c.seat_list]
    wang, zhao, qian, sun = (seat.holder for seat in seats)  # Sun hands his vote to Wang
    names = ("王秀英", "赵建国", "钱小梅", "孙德顺")
    for person, name in zip((wang, zhao, qian, sun), names, strict=True):
        person.name = name
    db.session.commit()
    links = {
        "convener": _link(convener, convener),
        "projector": _link(convener, convener),
        "wang": _link(wang, convener),
        "zhao": _link(zhao, convener),
        "qian": _link(qian, convener),
        "staff": _link(staff, convener),
    }
    base = live_server

    def phone_of(key):
        page = open_context(PHONE).new_page()
        page.goto(base + links[key])
        return page

    # 1. A resident submits a topic from a phone, without an account, and follows it.
    resident = open_context(PHONE).new_page()
    resident.goto(f"{base}/b/huaxing/topics/new")
    assert_accessible(resident, "topic form (phone)")
    resident.get_by_label("一句话说清是什么事").fill(TITLE)
    resident.get_by_label("详细说说").fill("每天夜里十点以后有货车在华兴街卸货，老人睡不好。")
    resident.get_by_label("属于哪一类").select_option("商户经营")
    shot(resident, "cycle-01-submit-phone")
    resident.get_by_role("button", name="提交议题").click()
    expect(resident.locator("h1")).to_contain_text("提交成功")
    assert_accessible(resident, "receipt (phone)")
    follow_url = resident.locator(".receipt .link-box").inner_text().strip()
    resident.goto(follow_url)
    expect(resident.locator(".card .status")).to_have_text("待处理")
    assert_accessible(resident, "follow page (phone)")
    shot(resident, "cycle-02-follow-phone")

    # 2. A member seconds it (htmx swaps the second box only).
    member = phone_of("wang")
    member.goto(f"{base}/b/huaxing/topics")
    assert_accessible(member, "topic list (phone)")
    member.get_by_role("link", name=TITLE).click()
    assert_accessible(member, "topic page (phone)")
    _mark(member)
    member.get_by_role("button", name="我也附议").click()
    expect(member.locator(".second-box")).to_contain_text("您已附议")
    assert _still_marked(member)
    shot(member, "cycle-03-second-phone")

    # 3. The convener accepts it in triage without a page reload.
    laptop = open_context(LAPTOP).new_page()
    laptop.goto(base + links["convener"])
    laptop.goto(f"{base}/b/huaxing/triage")
    assert_accessible(laptop, "triage (laptop)")
    row = laptop.locator(".triage-row").filter(has_text=TITLE)
    _mark(laptop)
    row.get_by_role("button", name="受理").click()
    expect(
        laptop.locator(".triage-row").filter(has_text=TITLE).locator(".status").first
    ).to_have_text("已受理")
    assert _still_marked(laptop)
    shot(laptop, "cycle-04-triage-laptop")

    # 4. A meeting, its agenda built from the topic (htmx), published and started.
    laptop.goto(f"{base}/b/huaxing/meetings/new")
    assert_accessible(laptop, "new meeting (laptop)")
    laptop.get_by_label("会议名称").fill("十二月联席会议")
    laptop.get_by_label("开始时间").fill("2026-12-01T14:30")
    laptop.get_by_label("地点").fill("社区活动室")
    laptop.get_by_role("button", name="新建会议（草稿）").click()
    expect(laptop.locator("#agenda")).to_be_visible()
    assert_accessible(laptop, "meeting room, empty agenda (laptop)")
    agenda = laptop.locator("#agenda")
    topic_choice = agenda.get_by_label("来自已受理的议题")
    label = topic_choice.locator("option", has_text=TITLE).inner_text()
    topic_choice.select_option(label=label)
    agenda.get_by_label("类型").select_option(label="表决")
    _mark(laptop)
    agenda.get_by_role("button", name="添加到议程").click()
    expect(laptop.locator(".builder-item").filter(has_text=TITLE)).to_be_visible()
    assert _still_marked(laptop)
    assert_accessible(laptop, "agenda built (laptop)")
    shot(laptop, "cycle-05-agenda-laptop")
    laptop.get_by_role("button", name="发布议程").click()
    expect(laptop.get_by_role("button", name="开始会议")).to_be_visible()
    laptop.get_by_role("button", name="开始会议").click()
    expect(laptop.get_by_role("link", name="结束会议")).to_be_visible()
    laptop.get_by_role("button", name="开始这项议程").click()
    expect(laptop.locator(".builder-item.current")).to_contain_text("正在进行")
    manage_url = laptop.url.split("#")[0].split("?")[0]
    meeting_id = int(manage_url.rstrip("/").split("/")[-2])
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    checkin_url = f"{base}/checkin/{meeting.checkin_token}"

    # 5. The projector, then three members check in from their phones by the meeting's QR link.
    screen = open_context(PROJECTOR).new_page()
    screen.goto(base + links["projector"])
    screen.goto(f"{base}/meetings/{meeting_id}/projector")
    expect(screen.locator(".projector-title")).to_have_text(TITLE)
    assert_accessible(screen, "projector before the vote")
    phones = {"wang": member, "zhao": phone_of("zhao"), "qian": phone_of("qian")}
    for key, page in phones.items():
        page.goto(checkin_url)
        if key == "wang":
            assert_accessible(page, "check-in (phone)")
            shot(page, "cycle-06-checkin-phone")
        page.get_by_role("button", name="我到了，签到").click()
        expect(page.locator(".checked-in")).to_contain_text("您已签到")
    assert_accessible(phones["wang"], "checked in (phone)")

    # 6. Sun cannot come: the convener records his proxy to Wang, who is present.
    laptop.goto(manage_url)
    proxy_card = laptop.locator("section", has=laptop.locator("#proxy-heading"))
    proxy_card.get_by_label("委托的席位").select_option(label=f"商户 2 {sun.name}")
    proxy_card.get_by_label("受托人（须已签到）").select_option(label=f"{wang.name}（已签到）")
    proxy_card.get_by_role("button", name="登记委托").click()
    roster = laptop.locator("#roster")
    expect(roster.locator("tr").filter(has_text=sun.name)).to_contain_text(wang.name)
    assert_accessible(laptop, "meeting room with the proxy (laptop)")
    shot(laptop, "cycle-07-room-laptop")

    # 7. A roll-call motion, created and opened (from the 议程 section of the convener's page).
    laptop.locator(".room-tabs").get_by_role("link", name="议程").click()
    laptop.get_by_role("link", name="发起表决").click()
    assert_accessible(laptop, "new motion (laptop)")
    laptop.get_by_label("表决内容（请写清楚要大家同意什么）").fill(MOTION)
    expect(laptop.get_by_label("记名投票（谁投了什么会记录下来）")).to_be_checked()
    laptop.get_by_role("button", name="保存动议").click()
    laptop.get_by_role("button", name="开始表决").click()
    expect(laptop.locator(".vote-progress")).to_be_visible()
    motion_url = laptop.url
    assert_accessible(laptop, "open motion (laptop)")

    # 8. The members vote on their phones; Wang votes for his seat and, by proxy, for Sun's.
    wang_phone = phones["wang"]
    wang_phone.goto(f"{base}/meetings/{meeting_id}")
    wang_phone.get_by_role("link", name="去投票").click()
    expect(wang_phone.locator(".ballot-card")).to_have_count(2)
    expect(wang_phone.locator(".ballot-card").nth(1)).to_contain_text(f"代{sun.name}投票")
    assert min(_button_heights(wang_phone)) >= 48
    assert_accessible(wang_phone, "ballot (phone)")
    shot(wang_phone, "cycle-08-ballot-phone")
    _mark(wang_phone)
    for card in range(2):
        # Two taps: the choice, then "确认：赞成" on the same card (a mis-tap is never final).
        wang_phone.locator(".ballot-card").nth(card).get_by_role("button", name="赞成").click()
        confirm = (
            wang_phone.locator(".ballot-card").nth(card).get_by_role("button", name="确认：赞成")
        )
        expect(confirm).to_be_visible()
        _settled(wang_phone)
        if card == 0:
            shot(wang_phone, "cycle-09a-ballot-confirm-phone")
        confirm.click()
        expect(
            wang_phone.locator(".ballot-card").nth(card).locator(".ballot-done")
        ).to_contain_text("赞成")
    assert _still_marked(wang_phone)
    assert_accessible(wang_phone, "ballot after voting (phone)")
    shot(wang_phone, "cycle-09-voted-phone")

    expect(screen.locator(".projector-status")).to_contain_text("已投票 2 / 出席 4", timeout=8_000)
    assert_accessible(screen, "projector during the vote")
    shot(screen, "cycle-10-projector-progress")

    # Zhao votes with the keyboard alone: Tab to 赞成, then Enter.
    zhao_phone = phones["zhao"]
    zhao_phone.goto(f"{base}/meetings/{meeting_id}/vote")
    yes = zhao_phone.get_by_role("button", name="赞成")
    for _ in range(40):
        zhao_phone.keyboard.press("Tab")
        if yes.evaluate("e => e === document.activeElement"):
            break
    assert yes.evaluate("e => e === document.activeElement"), "Tab never reached 赞成"
    _mark(zhao_phone)
    zhao_phone.keyboard.press("Enter")
    # The confirmation takes the focus: Enter again records the ballot.
    expect(zhao_phone.get_by_role("button", name="确认：赞成")).to_be_focused()
    _settled(zhao_phone)
    zhao_phone.keyboard.press("Enter")
    expect(zhao_phone.locator(".ballot-done")).to_contain_text("赞成")
    assert _still_marked(zhao_phone)

    # Qian turns on 长辈版 first: the buttons grow to at least 60 px; Qian votes against.
    qian_phone = phones["qian"]
    qian_phone.goto(f"{base}/meetings/{meeting_id}/vote")
    qian_phone.get_by_role("button", name="长辈版").click()
    expect(qian_phone.locator("html")).to_have_class("large-text")
    assert min(_button_heights(qian_phone)) >= 60
    assert_accessible(qian_phone, "ballot in 长辈版 (phone)")
    shot(qian_phone, "cycle-11-ballot-large-phone")
    qian_phone.get_by_role("button", name="反对").click()
    expect(qian_phone.get_by_role("button", name="确认：反对")).to_be_visible()
    _settled(qian_phone)
    qian_phone.get_by_role("button", name="确认：反对").click()
    expect(qian_phone.locator(".ballot-done")).to_contain_text("反对")

    # 9. The convener closes the vote after the explicit second step on the same page (no
    # pop-up); the result is frozen, in seats per constituency and with every seat's name.
    laptop.goto(motion_url)
    laptop.get_by_role("link", name="结束表决并计票").click()
    box = laptop.locator("#confirm-close")
    expect(box).to_contain_text("这一步不能撤回")
    assert_accessible(laptop, "closing the vote: the second step (laptop)")
    box.scroll_into_view_if_needed()
    shot(laptop, "cycle-12a-confirm-close-laptop")
    keep(laptop, "record-confirm-close-laptop")
    box.get_by_role("button", name="确认：结束表决并计票").click()
    expect(laptop.locator(".result-word")).to_contain_text("通过")
    expect(laptop.locator(".vote-result .explanation")).to_contain_text(
        "赞成 3 席、反对 1 席、弃权 0 席"
    )
    roll_call = laptop.locator(".roll-call")
    expect(roll_call.locator("tr").filter(has_text=sun.name)).to_contain_text(f"受托人 {wang.name}")
    expect(roll_call.locator("tr").filter(has_text=qian.name)).to_contain_text("反对")
    assert_accessible(laptop, "closed motion (laptop)")
    shot(laptop, "cycle-12-result-laptop")
    laptop.locator(".vote-result").screenshot(path=SCREENSHOTS / "record-roll-call-laptop.png")

    # A counted result is final: trying to withdraw it anyway is refused in a plain sentence.
    laptop.evaluate(
        """url => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = url + '/cancel';
            const token = document.querySelector('input[name=csrf_token]').cloneNode();
            const reason = Object.assign(document.createElement('input'),
                                         {name: 'reason', value: '想重新表决'});
            form.append(token, reason);
            document.body.append(form);
            form.submit();
        }""",
        motion_url,
    )
    expect(laptop.locator("main")).to_contain_text("结果是正式记录，不能撤销")
    expect(laptop.locator("main")).to_contain_text("复议动议")
    assert_accessible(laptop, "withdrawal refused (laptop)")
    laptop.goto(motion_url)
    expect(screen.locator(".projector-vote .result-word")).to_contain_text("通过", timeout=8_000)
    assert "未通过" not in screen.locator(".projector-vote .result-word").inner_text()
    assert_accessible(screen, "projector with the result")
    shot(screen, "cycle-13-projector-result")

    # 10. A resolution from the passed motion, published; a task for the unit.
    laptop.get_by_role("link", name="生成决议").click()
    assert_accessible(laptop, "new resolution (laptop)")
    expect(laptop.get_by_label("决议标题")).to_have_value(TITLE)
    expect(laptop.locator(".checks input[type=checkbox]").first).to_be_checked()
    laptop.get_by_role("button", name="保存决议草稿").click()
    laptop.get_by_role("link", name="公示决议").click()
    laptop.locator("#confirm-publish").get_by_role("button", name="确认：公示决议").click()
    expect(laptop.get_by_role("link", name="查看公示页")).to_be_visible()
    assert_accessible(laptop, "resolution (laptop)")
    laptop.get_by_role("link", name="派单：新增督办事项").click()
    assert_accessible(laptop, "new task (laptop)")
    laptop.get_by_label("事项名称").fill("夜间卸货改到早上七点以后")
    laptop.get_by_label("主办单位").select_option(label="街道城管科")
    laptop.get_by_label("怎样算办完").fill("连续两周夜里十点后街面没有卸货。")
    laptop.get_by_label("截止日期").fill((date.today() + timedelta(days=30)).isoformat())
    laptop.get_by_role("button", name="派单").click()
    expect(laptop.locator(".cards .card")).to_contain_text("已派单，待签收")
    shot(laptop, "cycle-14-resolution-laptop")

    # The convener closes the meeting (second step); its minutes become public.
    laptop.goto(manage_url)
    laptop.get_by_role("link", name="结束会议").click()
    laptop.locator("#confirm-close").get_by_role("button", name="确认：结束会议").click()
    expect(laptop.locator("main")).to_contain_text("已结束")

    # An anonymous visitor reads the minutes: attendance by name, the roll-call names.
    visitor = open_context(PHONE).new_page()
    visitor.goto(f"{base}/meetings/{meeting_id}/minutes")
    minutes = visitor.locator("article.minutes")
    expect(minutes.locator(".seat-attendance")).to_contain_text(zhao.name)
    expect(minutes.locator(".roll-call tr").filter(has_text=sun.name)).to_contain_text(
        f"受托人 {wang.name}"
    )
    expect(minutes).to_contain_text("参会代表签字")
    assert_accessible(visitor, "public minutes (phone)")
    visitor.screenshot(path=SCREENSHOTS / "record-minutes-phone.png", full_page=True)
    print_a4(visitor, "record-minutes-a4")

    # 11. The unit's staff accepts (htmx) and completes it.
    unit_phone = phone_of("staff")
    unit_phone.goto(f"{base}/units/{unit.slug}/tasks")
    assert_accessible(unit_phone, "unit tasks (phone)")
    unit_phone.get_by_role("button", name="签收").first.click()
    expect(unit_phone.locator(".task-row").first).to_contain_text("已签收")
    unit_phone.get_by_role("link", name="报进展 / 办结").first.click()
    assert_accessible(unit_phone, "task for the unit (phone)")
    # the resolution answers a resident's topic: 联系诉求人 comes before 办结
    contact = unit_phone.locator("#contact")
    contact.get_by_label("电话").check()
    now_local = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    contact.get_by_label("联系时间").fill(now_local)
    contact.get_by_label("沟通情况").fill("电话告知居民：已约商户七点后卸货。")
    contact.get_by_role("button", name="记录联系情况").click()
    expect(unit_phone.locator("main")).to_contain_text("已联系诉求人")
    report = unit_phone.get_by_label("办结报告：做了什么、结果如何")
    report.fill("已和 12 家商户约定早上七点以后卸货。")
    unit_phone.get_by_role("button", name="报告办结").click()
    expect(unit_phone.locator("main")).to_contain_text("已办结，待评单")
    shot(unit_phone, "cycle-15-unit-done-phone")
    task_url = unit_phone.url.split("#")[0]

    # 12. Members rate it, and so does the resident through the follow link.
    for key, choice in (("wang", "满意"), ("zhao", "基本满意")):
        page = phones[key]
        page.goto(task_url)
        page.locator("fieldset", has_text="联系过您吗").get_by_label("是").check()
        page.locator("fieldset", has_text="解决了吗").get_by_label("是").check()
        if key == "wang":
            assert_accessible(page, "rating (phone)")
            shot(page, "cycle-16-rate-phone")
        page.get_by_role("button", name=choice, exact=True).click()
        expect(page.locator("main")).to_contain_text("您已评价")
    resident.goto(follow_url)
    rating = resident.locator(".topic-rating")
    assert_accessible(resident, "follow page with rating (phone)")
    rating.locator("fieldset", has_text="联系过您吗").get_by_label("是").check()
    rating.locator("fieldset", has_text="解决了吗").get_by_label("是").check()
    rating.get_by_role("button", name="满意", exact=True).click()
    resident.goto(follow_url)
    expect(resident.locator(".topic-rating")).to_contain_text("您已评价过这一轮")

    # 13. The convener closes it (销号).
    laptop.goto(task_url)
    expect(laptop.locator("main")).to_contain_text("建议销号")
    assert_accessible(laptop, "task for the convener (laptop)")
    laptop.locator("section", has=laptop.locator("#convener-actions")).get_by_role(
        "button", name="销号"
    ).click()
    expect(laptop.locator("#confirm-close")).to_contain_text("这一步不能撤回")
    laptop.locator("#confirm-close").get_by_role("button", name="确认：销号").click()
    expect(laptop.locator("main > p").first).to_contain_text("已销号")

    # 14. The public board shows it closed.
    board = open_context(PHONE).new_page()
    board.goto(base + "/")
    card = board.locator(".card").filter(has_text=TITLE)
    expect(card).to_contain_text("督办事项 1 项，已办结销号 1 项")
    assert_accessible(board, "board (phone)")
    shot(board, "cycle-17-board-phone")
    card.get_by_role("link", name=TITLE).click()
    expect(board.locator(".task-public")).to_contain_text("已销号")
    assert_accessible(board, "resolution on the board (phone)")
    shot(board, "cycle-18-resolution-board-phone")
    db.session.rollback()  # end the test's read snapshot, then look at what the pages did
    assert db.session.scalars(sa.select(Task.status)).all() == ["closed"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 3
