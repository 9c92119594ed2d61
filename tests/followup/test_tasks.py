"""Tasks through the web: who may see and move them, progress photos, ratings, reopening."""

import io
import struct
import zlib
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from PIL import Image

from app.extensions import db
from app.models import AuditEvent, Rating, Task, TaskUpdate
from tests.followup.helpers import add_body_unit, make_resolution, make_task, make_topic


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 40)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
TODAY = "2026-10-01 10:00 +0800"
YES_YES = {"contacted": "yes", "solved": "yes"}


@pytest.fixture
def task(world):
    """An assigned task of the world's unit."""
    return make_task(world["resolution"], world["unit"])


# Each state-changing route, the status it acts from, the form, and the role that may use it.
UNIT_ROUTES = [
    ("accept", "assigned", {}),
    ("decline", "assigned", {"reason": "不归我们管"}),
    ("progress", "accepted", {"note": "已勘查"}),
    ("complete", "in_progress", {"report": "已挂牌"}),
]
CONVENER_ROUTES = [
    ("reassign", "declined", {"deadline": "2026-11-01", "note": ""}),
    ("close", "completed", {"note": "", "confirmed": "yes"}),
    ("reopen", "completed", {"deadline": "2026-11-01", "note": "还不够"}),
]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("action", "status", "data"), UNIT_ROUTES)
def test_unit_routes_refuse_others(world, login_as, client, action, status, data):
    """Staff of another unit, the convener and members get 403; anonymous visitors sign in."""
    task = make_task(world["resolution"], world["unit"], status=status)
    url = f"/tasks/{task.id}/{action}"
    data = {**data, "unit": world["unit"].id}
    assert client.post(url, data=data).status_code == 302
    assert "/sign-in" in client.post(url, data=data).headers["Location"]
    for person in (world["other_staff"], world["convener"], world["members"][0]):
        login_as(person)
        assert client.post(url, data=data).status_code == 403
    db.session.refresh(task)
    assert task.status == status
    login_as(world["staff"])
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(task)
    assert task.status != status


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("action", "status", "data"), CONVENER_ROUTES)
def test_convener_routes_refuse_others(world, login_as, client, action, status, data):
    """Anonymous visitors sign in; unit staff and members get 403; the convener may."""
    task = make_task(world["resolution"], world["unit"], status=status)
    url = f"/tasks/{task.id}/{action}"
    data = {**data, "unit": world["other_unit"].id}
    add_body_unit(world["body"], world["other_unit"])
    assert "/sign-in" in client.post(url, data=data).headers["Location"]
    for person in (world["staff"], world["members"][0], world["outsider"]):
        login_as(person)
        assert client.post(url, data=data).status_code == 403
    db.session.refresh(task)
    assert task.status == status
    login_as(world["convener"])
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(task)
    assert task.status != status
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == f"task.{action}"))


def test_another_unit_cannot_see_the_task_or_the_unit_page(world, login_as, client, task):
    """Staff of another unit get 403 for the unit's page and for its task's page."""
    login_as(world["other_staff"])
    assert client.get(f"/units/{world['unit'].slug}/tasks").status_code == 403
    assert client.get(f"/tasks/{task.id}").status_code == 403
    login_as(world["staff"])
    html = client.get(f"/units/{world['unit'].slug}/tasks").get_data(as_text=True)
    assert task.title in html and "签收" in html


def test_decline_without_reason_is_answered_next_to_the_field(world, login_as, client, task):
    """A decline with no reason stays assigned and says what is missing, on the task page."""
    login_as(world["staff"])
    response = client.post(f"/tasks/{task.id}/decline", data={"reason": ""})
    assert response.status_code == 400
    assert "这一项必须填写" in response.get_data(as_text=True)
    db.session.refresh(task)
    assert task.status == "assigned"


def test_accept_from_unit_page_with_htmx_swaps_the_row(
    world, login_as, client, task, captured_templates
):
    """With htmx the accept button returns only the updated row."""
    login_as(world["staff"])
    response = client.post(
        f"/tasks/{task.id}/accept", data={"back": "unit"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert captured_templates == ["followup/partials/unit_task_row.html"]
    assert "已签收" in response.get_data(as_text=True)


def test_progress_photo_is_checked_stored_and_served(world, login_as, client, app):
    """A PNG is stored outside static and served with its type and nosniff; a fake is refused."""
    task = make_task(world["resolution"], world["unit"], status="accepted")
    login_as(world["staff"])
    fake = {"note": "照片", "photo": (io.BytesIO(b"<script>alert(1)</script>"), "x.png")}
    response = client.post(
        f"/tasks/{task.id}/progress", data=fake, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "只能上传 JPG、PNG 或 WebP" in response.get_data(as_text=True)
    good = {"note": "现场照片", "photo": (io.BytesIO(PNG), "photo.jpg")}
    assert (
        client.post(
            f"/tasks/{task.id}/progress", data=good, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    update = db.session.scalar(sa.select(TaskUpdate).where(TaskUpdate.photo_path.is_not(None)))
    assert update.photo_type == "image/png" and "static" not in app.config["UPLOAD_FOLDER"]
    served = client.get(f"/tasks/{task.id}/photos/{update.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (8, 6)


def test_photo_larger_than_5_mb_is_refused(world, login_as, client):
    """A photo over 5 MB is refused in words and the note is kept in the form."""
    task = make_task(world["resolution"], world["unit"], status="accepted")
    login_as(world["staff"])
    big = {"note": "很大的照片", "photo": (io.BytesIO(PNG + b"\0" * (5 * 1024 * 1024)), "big.png")}
    response = client.post(
        f"/tasks/{task.id}/progress", data=big, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "超过 5 MB" in html and "很大的照片" in html


def test_photo_of_unpublished_resolution_is_not_served(world, client):
    """Photos of tasks not shown publicly are 404."""
    draft = make_resolution(world["body"], status="draft")
    task = make_task(draft, world["unit"], status="in_progress")
    update = TaskUpdate(
        task_id=task.id, note="x", photo_path="a" * 32 + ".png", photo_type="image/png"
    )
    db.session.add(update)
    db.session.commit()
    assert client.get(f"/tasks/{task.id}/photos/{update.id}").status_code == 404


def test_rating_twice_counts_once(world, login_as, client):
    """A member's second rating in the same round is not stored; the first one stands."""
    task = make_task(world["resolution"], world["unit"], status="completed")
    login_as(world["members"][0])
    first = client.post(
        f"/tasks/{task.id}/rating", data={**YES_YES, "value": "satisfied"}, follow_redirects=True
    )
    assert "谢谢您的评价" in first.get_data(as_text=True)
    second = client.post(
        f"/tasks/{task.id}/rating", data={**YES_YES, "value": "basic"}, follow_redirects=True
    )
    assert "您已评价：满意" in second.get_data(as_text=True)
    values = db.session.scalars(sa.select(Rating.value).where(Rating.task_id == task.id)).all()
    assert values == ["satisfied"]
    assert "您已评价" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_rating_is_for_members_only(world, login_as, client):
    """The unit's staff and outsiders cannot rate (403); a missing choice is said in words."""
    task = make_task(world["resolution"], world["unit"], status="completed")
    for person in (world["staff"], world["outsider"]):
        login_as(person)
        assert (
            client.post(f"/tasks/{task.id}/rating", data={"value": "satisfied"}).status_code == 403
        )
    login_as(world["members"][0])
    response = client.post(f"/tasks/{task.id}/rating", data={"comment": "还行"})
    assert response.status_code == 400 and "请选择一个评价" in response.get_data(as_text=True)
    assert "还行" in response.get_data(as_text=True)
    assert "请选择“是”或“否”" in response.get_data(as_text=True)


@time_machine.travel("2026-09-29 10:00 +0800", tick=False)
def test_unsatisfied_visit_reopens_for_rectification_in_working_days(world, login_as, client):
    """A 差评 reopens the task at once: round 2, due 5 working days later (国庆 skipped)."""
    task = make_task(world["resolution"], world["unit"], status="completed")
    login_as(world["members"][0])
    client.post(
        f"/tasks/{task.id}/rating",
        data={"contacted": "yes", "solved": "no", "value": "very_unsatisfied"},
    )
    db.session.refresh(task)
    # 30 Sep, then 国庆 1–7 Oct, then 8, 9, 10 (调休 Saturday), 12 Oct
    assert (task.status, task.round, task.deadline) == ("in_progress", 2, date(2026, 10, 12))
    assert [u.kind for u in task.updates][-2:] == ["visited", "reopened"]
    assert task.updates[-1].details["deadline_to"] == "2026-10-12"
    rating = db.session.scalars(sa.select(Rating).where(Rating.task_id == task.id)).one()
    assert (rating.contacted, rating.solved, rating.round) == (True, False, 1)


@time_machine.travel(TODAY, tick=False)
def test_convener_reopens_a_completed_task_with_a_new_deadline(world, login_as, client):
    """The convener may reopen a completed task; the deadline must be after today."""
    task = make_task(world["resolution"], world["unit"], status="completed")
    login_as(world["convener"])
    response = client.post(f"/tasks/{task.id}/reopen", data={"deadline": "2026-10-01", "note": "x"})
    assert response.status_code == 400 and "新的截止日期要晚于今天" in response.get_data(
        as_text=True
    )
    client.post(f"/tasks/{task.id}/reopen", data={"deadline": "2026-10-20", "note": "气味仍在"})
    db.session.refresh(task)
    assert (task.status, task.round, task.deadline) == ("in_progress", 2, date(2026, 10, 20))


def test_submitter_rates_through_the_follow_link_once(world, client):
    """The topic's submitter rates by the token; a second rating in the round is ignored."""
    topic, token = make_topic(world["body"], status="decided")
    world["resolution"].topics.append(topic)
    task = make_task(world["resolution"], world["unit"], status="completed")
    url = f"/t/{token}/tasks/{task.id}/rating"
    assert client.post(url, data={**YES_YES, "value": "basic"}).status_code == 302
    assert client.post(url, data={**YES_YES, "value": "satisfied"}).status_code == 302
    rows = db.session.execute(sa.select(Rating.value, Rating.topic_id)).all()
    assert rows == [("basic", topic.id)]
    assert (
        client.post(f"/t/not-a-token/tasks/{task.id}/rating", data={"value": "basic"}).status_code
        == 404
    )


def test_topic_rating_partial_offers_the_form_then_thanks(world, client):
    """The follow page /t/<token> shows a rating form for completed tasks, then a thank-you."""
    topic, token = make_topic(world["body"], status="decided")
    world["resolution"].topics.append(topic)
    task = make_task(world["resolution"], world["unit"], status="completed")
    db.session.commit()
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert f"/t/{token}/tasks/{task.id}/rating" in html and "基本满意" in html
    db.session.add(Rating(task_id=task.id, round=1, topic_id=topic.id, value="basic"))
    db.session.commit()
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "您已评价过这一轮" in html


def test_overdue_appears_exactly_after_the_deadline(world, login_as, client):
    """Due 2026-10-15: not overdue on the 15th (Shanghai), '已逾期 1 个工作日' from the 16th."""
    task = make_task(
        world["resolution"], world["unit"], status="accepted", deadline=date(2026, 10, 15)
    )
    with time_machine.travel("2026-10-15 23:59 +0800", tick=False):
        login_as(world["convener"])
        html = client.get("/b/huaxing/followup").get_data(as_text=True)
        assert "全部督办事项" in html and "已逾期 " not in html
    with time_machine.travel("2026-10-16 00:01 +0800", tick=False):
        login_as(world["convener"])
        for url in (
            "/b/huaxing/followup",
            f"/tasks/{task.id}",
            f"/resolutions/{world['resolution'].id}",
        ):
            assert "已逾期 1 个工作日" in client.get(url).get_data(as_text=True), url


@time_machine.travel("2026-10-20 10:00 +0800", tick=False)
def test_dashboard_counts_and_lists_overdue_first(world, login_as, client):
    """The dashboard counts overdue tasks and lists them before the others."""
    make_task(world["resolution"], world["unit"], title="按时的事", deadline=date(2026, 12, 1))
    make_task(world["resolution"], world["unit"], title="逾期的事", deadline=date(2026, 10, 1))
    login_as(world["convener"])
    html = client.get("/b/huaxing/followup").get_data(as_text=True)
    assert html.index("逾期的事") < html.index("按时的事")
    assert "已逾期 10 个工作日" in html  # 19 days, less 国庆 and weekends
    login_as(world["staff"])
    assert client.get("/b/huaxing/followup").status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_convener_assigns_a_task_and_wrong_roles_cannot(world, login_as, client):
    """The convener assigns (派单) with a deadline; a past deadline is refused; others get 403."""
    url = f"/resolutions/{world['resolution'].id}/tasks/new"
    data = {
        "title": "挂牌",
        "unit": world["unit"].id,
        "assignee": 0,
        "done_definition": "挂好",
        "deadline": "2026-09-30",
    }
    for person in (world["staff"], world["members"][0]):
        login_as(person)
        assert client.post(url, data=data).status_code == 403
    login_as(world["convener"])
    response = client.post(url, data=data)
    assert response.status_code == 200 and "截止日期不能早于今天" in response.get_data(as_text=True)
    assert (
        client.post(
            url, data={**data, "assignee": world["other_staff"].id, "deadline": "2026-10-30"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            url, data={**data, "assignee": world["staff"].id, "deadline": "2026-10-30"}
        ).status_code
        == 302
    )
    task = db.session.scalar(sa.select(Task))
    login_as(world["staff"])
    assert "具体负责人：物业小周" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert (task.unit_id, task.assignee_id, task.status) == (
        world["unit"].id,
        world["staff"].id,
        "assigned",
    )


def _photo_with_gps(fmt: str) -> bytes:
    """A photo whose EXIF holds a GPS position and the camera's maker."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 39.0, 57.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def _bomb_png(width=60000, height=60000) -> bytes:
    """A few dozen bytes of PNG whose header declares ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "name"), [("JPEG", "home.jpg"), ("PNG", "home.png"), ("WEBP", "h.webp")]
)
def test_uploaded_photos_lose_their_exif_and_gps(world, login_as, client, app, fmt, name):
    """A photo with the GPS position of a resident's home is stored and served without it."""
    task = make_task(world["resolution"], world["unit"], status="accepted")
    login_as(world["staff"])
    original = _photo_with_gps(fmt)
    assert b"PhoneMaker" in original and Image.open(io.BytesIO(original)).getexif()
    data = {"note": "现场", "photo": (io.BytesIO(original), name)}
    response = client.post(
        f"/tasks/{task.id}/progress", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    update = db.session.scalar(sa.select(TaskUpdate).where(TaskUpdate.photo_path.is_not(None)))
    served = client.get(f"/tasks/{task.id}/photos/{update.id}").data
    assert b"PhoneMaker" not in served and b"Exif" not in served
    assert not Image.open(io.BytesIO(served)).getexif()
    assert Image.open(io.BytesIO(served)).size == (40, 30)


def test_a_png_declaring_60000_by_60000_pixels_is_refused(world, login_as, client):
    """A decompression bomb is refused from its header, in words, and nothing is stored."""
    task = make_task(world["resolution"], world["unit"], status="accepted")
    login_as(world["staff"])
    bomb = _bomb_png()
    assert len(bomb) < 200
    data = {"note": "炸弹", "photo": (io.BytesIO(bomb), "tiny.png")}
    response = client.post(
        f"/tasks/{task.id}/progress", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "像素太多" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(TaskUpdate.id)).where(TaskUpdate.photo_path.is_not(None))
        )
        == 0
    )
