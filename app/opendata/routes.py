"""Open data at stable addresses, each accepting ``?body=<slug>``; published data only."""

import json

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from app import audit
from app.extensions import db
from app.followup import labels
from app.meetings import ics
from app.meetings.labels import KIND_LABELS
from app.opendata import queries, shape
from app.owners import opendata as owners_opendata
from app.owners import queries as owners_queries
from app.web.urls import external_url, public_host

bp = Blueprint("opendata", __name__, url_prefix="/open-data")


def _resolution_rows() -> list[dict]:
    """Published resolutions (of ``?body=``) as rows, with their public address and text."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    return [
        shape.resolution_row(r, external_url("board.resolution", resolution_id=r.id), tz)
        | {"text": r.text}
        for r in queries.published_resolutions(db.session, request.args.get("body"))
    ]


def _task_rows() -> list[dict]:
    """Tasks of published resolutions (of ``?body=``) as Open311 service requests."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    return [
        shape.task_request(t, str(labels.TASK_STATUS[t.status]), tz)
        for t in queries.published_tasks(db.session, request.args.get("body"))
    ]


def _json(data) -> Response:
    """Data as readable UTF-8 JSON (Chinese text as is, not escaped)."""
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")


def _csv(rows, fields) -> Response:
    """Rows as CSV that spreadsheet programs open as UTF-8."""
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


def _public_motions():
    return queries.public_counted_motions(db.session, request.args.get("body"))


@bp.get("/votes.json")
def votes_json():
    """Roll-call (记名) votes whose result is public: one row per seat, never a secret vote."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    return _json([row for m in _public_motions() for row in shape.vote_rows(m, tz)])


@bp.get("/votes.csv")
def votes_csv():
    """Roll-call votes whose result is public, one row per seat, as CSV."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    rows = [row for m in _public_motions() for row in shape.vote_rows(m, tz)]
    return _csv(rows, shape.VOTE_FIELDS)


@bp.get("/vote-seats.csv")
def vote_seats_csv():
    """Every public counted vote in seats, one row per constituency, as CSV."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    rows = [row for m in _public_motions() for row in shape.seat_rows(m, tz)]
    return _csv(rows, shape.SEAT_FIELDS)


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
        feed_url=external_url("opendata.resolutions_atom", **request.args.to_dict()),
        site_url=external_url("board.resolutions"),
        tz=current_app.config["LIANXI_TIMEZONE"],
    )
    return Response(feed, mimetype="application/atom+xml")


@bp.get("/meetings.ics")
def meetings_ics():
    """Every published meeting (agenda public) as one calendar to subscribe to."""
    meetings = [
        (m, external_url("meetings.show", meeting_id=m.id))
        for m in queries.published_meetings(db.session, request.args.get("body"))
    ]
    brackets = _("（%(text)s）", text="%s")
    body = ics.meetings_calendar(meetings, host=public_host(), kinds=KIND_LABELS, brackets=brackets)
    return Response(body, mimetype="text/calendar")


@bp.get("/audit-head.json")
def audit_head():
    """The audit chain's head now: ``flask audit verify --head N:HASH`` checks it later."""
    head = audit.head(db.session)
    if head is None:
        return _json({"events": 0, "hash": None, "head": None})
    return _json({"events": head.events, "hash": head.hash, "head": str(head)})


def _owner_decision_rows() -> list[dict]:
    """Closed owners' decisions (of ``?body=``) with their result notice's figures."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    return [
        owners_opendata.decision_row(d, name, external_url("owners.decision", decision_id=d.id), tz)
        for d, name in owners_queries.closed_decisions(db.session, request.args.get("body"))
    ]


@bp.get("/owner-decisions.json")
def owner_decisions_json():
    """Results of owners' decisions (业主共同决定), exact fractions, as JSON."""
    return _json([{k: r[k] for k in owners_opendata.FIELDS} for r in _owner_decision_rows()])


@bp.get("/owner-decisions.csv")
def owner_decisions_csv():
    """Results of owners' decisions, exact fractions, as CSV."""
    return _csv(_owner_decision_rows(), owners_opendata.FIELDS)


@bp.get("/owner-decisions.atom")
def owner_decisions_atom():
    """An Atom feed of owners' decisions' results."""
    feed = shape.to_atom(
        _owner_decision_rows()[:50],
        title=_("业主共同决定结果公示"),
        feed_url=external_url("opendata.owner_decisions_atom", **request.args.to_dict()),
        site_url=external_url("board.index"),
        tz=current_app.config["LIANXI_TIMEZONE"],
    )
    return Response(feed, mimetype="application/atom+xml")
