"""Open data at stable addresses, each accepting ``?body=<slug>``; published data only."""

import json

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.followup import labels
from app.models import Body, Resolution, Task
from app.opendata import shape

bp = Blueprint("opendata", __name__, url_prefix="/open-data")


def _resolutions() -> list[Resolution]:
    query = (
        sa.select(Resolution)
        .where(Resolution.status == "published")
        .options(selectinload(Resolution.body), selectinload(Resolution.motion))
        .order_by(Resolution.published_at.desc(), Resolution.id.desc())
    )
    if slug := request.args.get("body"):
        query = query.where(Resolution.body.has(Body.slug == slug))
    return list(db.session.scalars(query))


def _resolution_rows() -> list[dict]:
    tz = current_app.config["LIANXI_TIMEZONE"]
    return [
        shape.resolution_row(r, url_for("board.resolution", resolution_id=r.id, _external=True), tz)
        | {"text": r.text}
        for r in _resolutions()
    ]


def _task_rows() -> list[dict]:
    query = (
        sa.select(Task)
        .join(Resolution)
        .where(Resolution.status == "published")
        .options(selectinload(Task.unit), selectinload(Task.resolution))
        .order_by(Task.id)
    )
    if slug := request.args.get("body"):
        query = query.where(Resolution.body.has(Body.slug == slug))
    tz = current_app.config["LIANXI_TIMEZONE"]
    return [
        shape.task_request(t, str(labels.TASK_STATUS[t.status]), tz)
        for t in db.session.scalars(query)
    ]


def _json(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")


def _csv(rows, fields) -> Response:
    # A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    return Response(
        "\ufeff" + shape.to_csv(rows, fields),
        mimetype="text/csv",
        headers={"Content-Disposition": "inline"},
    )


@bp.get("/resolutions.json")
def resolutions_json():
    """Published resolutions with their frozen vote results, as JSON."""
    return _json(_resolution_rows())


@bp.get("/resolutions.csv")
def resolutions_csv():
    """Published resolutions with their frozen vote results, as CSV."""
    return _csv(_resolution_rows(), shape.RESOLUTION_FIELDS)


@bp.get("/tasks.json")
def tasks_json():
    """Tasks of published resolutions as Open311 GeoReport v2 service requests, as JSON."""
    return _json(_task_rows())


@bp.get("/tasks.csv")
def tasks_csv():
    """Tasks of published resolutions with the Open311 fields, as CSV."""
    return _csv(_task_rows(), shape.TASK_FIELDS)


@bp.get("/resolutions.atom")
def resolutions_atom():
    """An Atom feed of newly published resolutions."""
    feed = shape.to_atom(
        _resolution_rows()[:50],
        title=_("联席会议决议公示"),
        feed_url=request.url,
        site_url=url_for("board.resolutions", _external=True),
        tz=current_app.config["LIANXI_TIMEZONE"],
    )
    return Response(feed, mimetype="application/atom+xml")


@bp.get("/meetings.ics")
def meetings_ics():
    """Every published meeting (agenda public) as one calendar to subscribe to."""
    from app.meetings import ics
    from app.meetings.labels import KIND_LABELS
    from app.models import Meeting

    query = (
        sa.select(Meeting)
        .where(Meeting.status != "draft")
        .options(selectinload(Meeting.items))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if slug := request.args.get("body"):
        query = query.where(Meeting.body.has(Body.slug == slug))
    meetings = [
        (m, url_for("meetings.show", meeting_id=m.id, _external=True))
        for m in db.session.scalars(query)
    ]
    body = ics.meetings_calendar(meetings, host=request.host.split(":")[0], kinds=KIND_LABELS)
    return Response(body, mimetype="text/calendar")
