"""Resolution numbers: per body and year, gap-free, also when conveners create them at once."""

import threading
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.followup import numbering
from app.models import Body, Resolution
from tests.factories import make_body


def _new(title="决议") -> Resolution:
    return Resolution(title=title, text="内容", decided_on=date(2026, 9, 15))


def test_format_number_uses_the_body_format(ctx):
    """The default format gives 华兴街联席〔2026〕3号; a body may choose another."""
    body = make_body(constituencies=[("community", 1, None, False)], holders=False)
    body.short_name = "华兴街联席"
    assert (
        numbering.format_number(body.resolution_number_format, body, 2026, 3)
        == "华兴街联席〔2026〕3号"
    )
    assert numbering.format_number("{short_name}决字第{number}号（{year}）", body, 2026, 4) == (
        "华兴街联席决字第4号（2026）"
    )


def test_numbers_run_per_body_and_year(ctx):
    """Each body starts at 1 each year; another body or year does not take its numbers."""
    one, two = (make_body(constituencies=[("c", 1, None, False)], holders=False) for _ in range(2))
    got = []
    for body, year in [(one, 2026), (one, 2026), (two, 2026), (one, 2027), (one, 2026)]:
        r = numbering.insert_numbered(db.session, _new(), body, year)
        got.append((body.id, year, r.number))
    db.session.commit()
    assert got == [
        (one.id, 2026, 1),
        (one.id, 2026, 2),
        (two.id, 2026, 1),
        (one.id, 2027, 1),
        (one.id, 2026, 3),
    ]


def test_a_taken_number_is_retried_not_skipped(ctx, monkeypatch):
    """When another transaction took the number just read, the next free one is used (no gap)."""
    body = make_body(constituencies=[("c", 1, None, False)], holders=False)
    numbering.insert_numbered(db.session, _new(), body, 2026)
    db.session.commit()
    real = numbering.next_number
    stale = iter([1])  # the first read is stale: number 1 is already taken
    monkeypatch.setattr(
        numbering, "next_number", lambda s, b, y: next(stale, None) or real(s, b, y)
    )
    second = numbering.insert_numbered(db.session, _new(), body, 2026)
    db.session.commit()
    assert second.number == 2 and second.number_text.endswith("〔2026〕2号")


def test_concurrent_creation_is_gap_free(app, ctx):
    """Twelve conveners creating at once in two bodies get 1..6 in each: no repeat, no gap."""
    bodies = [make_body(constituencies=[("c", 1, None, False)], holders=False) for _ in range(2)]
    ids = [b.id for b in bodies]
    db.session.rollback()
    start = threading.Barrier(12)
    errors = []

    def create(body_id):
        try:
            with app.test_request_context("/", method="POST"):
                start.wait()
                body = db.session.get(Body, body_id)
                numbering.insert_numbered(db.session, _new(), body, 2026)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=create, args=(ids[i % 2],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()  # end this thread's read snapshot to see the others' commits
    for body_id in ids:
        numbers = db.session.scalars(
            sa.select(Resolution.number)
            .where(Resolution.body_id == body_id)
            .order_by(Resolution.number)
        ).all()
        assert numbers == [1, 2, 3, 4, 5, 6]
