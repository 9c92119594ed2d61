"""The shapes of the open data. Plain functions with no Flask import.

Times are stored in UTC and published in ISO 8601 with the community's offset (+08:00 in
China). Vote counts are exact fraction strings as the counting engine froze them ("17", "2/5"),
never floats. Tasks follow the Open311 GeoReport v2 service-request fields.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from app.followup.rules import original_deadline
from app.models import Motion, Resolution, Task
from app.voting import record as vote_record

RESOLUTION_FIELDS = (
    "id",
    "number",
    "title",
    "body",
    "body_slug",
    "date",
    "published",
    "passed",
    "yes",
    "no",
    "abstain",
    "base",
    "ratio",
    "rule",
    "url",
)
TASK_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "agency_responsible",
    "service_name",
    "description",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "resolution_number",
    "lianxi_status",
    "lianxi_deadline",
    "lianxi_original_deadline",
    "lianxi_round",
    "lianxi_signed_datetime",
    "lianxi_signed_late",
    "lianxi_contacted_datetime",
    "lianxi_completed_datetime",
    "lianxi_closed_datetime",
    "lianxi_excluded_reason",
    "lianxi_co_units",
)
#: One row per seat of a roll-call (记名) vote; secret votes and shows of hands have none.
VOTE_FIELDS = (
    "motion_id",
    "motion",
    "meeting",
    "body_slug",
    "closed",
    "rescinds_motion_id",
    "constituency",
    "seat",
    "member",
    "cast_by",
    "via",
    "choice",
)
#: One row per constituency of every counted vote: its result in seats.
SEAT_FIELDS = (
    "motion_id",
    "motion",
    "meeting",
    "body_slug",
    "closed",
    "kind",
    "passed",
    "rescinds_motion_id",
    "constituency",
    "seats",
    "present",
    "yes",
    "no",
    "abstain",
    "not_voted",
)
ATOM = "http://www.w3.org/2005/Atom"


def iso(value: datetime | None, tz: str) -> str | None:
    """A stored (naive UTC) time in ISO 8601 with the community's offset."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def end_of_day(day: date, tz: str) -> str:
    """The last second of a deadline day, in ISO 8601 with the community's offset."""
    return datetime.combine(day, time(23, 59, 59), ZoneInfo(tz)).isoformat(timespec="seconds")


def resolution_row(resolution: Resolution, url: str, tz: str) -> dict:
    """A resolution with its frozen vote result (as frozen: never recomputed)."""
    frozen = (resolution.motion.frozen if resolution.motion else None) or {}
    result = frozen.get("result") or {}
    return {
        "id": resolution.id,
        "number": resolution.number_text,
        "title": resolution.title,
        "body": resolution.body.name,
        "body_slug": resolution.body.slug,
        "date": resolution.decided_on.isoformat(),
        "published": iso(resolution.published_at, tz),
        "passed": result.get("passed"),
        "yes": result.get("yes"),
        "no": result.get("no"),
        "abstain": result.get("abstain"),
        "base": result.get("base"),
        "ratio": result.get("ratio"),
        "rule": frozen.get("rule"),
        "motion_id": resolution.motion_id,
        "rescinds_motion_id": resolution.motion.rescinds_id if resolution.motion else None,
        "url": url,
    }


def _motion_fields(motion: Motion, tz: str) -> dict:
    return {
        "motion_id": motion.id,
        "motion": motion.text,
        "meeting": motion.meeting.title,
        "body_slug": motion.meeting.body.slug,
        "closed": iso(motion.closed_at, tz),
        "rescinds_motion_id": motion.rescinds_id,
    }


def vote_rows(motion: Motion, tz: str) -> list[dict]:
    """Who voted what in a roll-call motion, one row per seat, as frozen at close.

    A secret (无记名) vote or a show of hands gives no row: only a roll-call vote is named.
    """
    record = vote_record.record_of(motion, "zh")
    if record is None or record.roll is None:
        return []
    base = _motion_fields(motion, tz)
    return [
        base
        | {
            "constituency": r.constituency,
            "seat": r.seat,
            "member": r.member,
            "cast_by": r.voter,
            "via": r.via,
            "choice": r.choice,
        }
        for r in record.roll
    ]


def seat_rows(motion: Motion, tz: str) -> list[dict]:
    """A counted motion's result in seats, one row per constituency (应到/实到/…/未投票)."""
    record = vote_record.record_of(motion, "zh")
    if record is None:
        return []
    base = _motion_fields(motion, tz) | {"kind": motion.kind, "passed": record.passed}
    return [
        base
        | {
            "constituency": row.name,
            "seats": row.seats,
            "present": row.present,
            "yes": row.yes,
            "no": row.no,
            "abstain": row.abstain,
            "not_voted": row.not_voted,
        }
        for row in record.rows
    ]


def task_request(task: Task, status_notes: str, tz: str) -> dict:
    """A task as an Open311 GeoReport v2 service request (open until closed / 销号).

    The ``lianxi_`` keys extend the standard ones with the 接诉即办 ladder: the deadline now and
    as first set (extensions and 改派 move it), the round (整改 adds one), 签收 and whether it was
    late, 联系诉求人, 办结, 销号, the public reason of a 核减, and the co-units (协办) with the
    state of each one's part ("街道城管科:done; …", empty without co-units).
    """
    return {
        "service_request_id": str(task.id),
        "status": "open" if task.is_open else "closed",
        "status_notes": status_notes,
        "agency_responsible": task.unit.name,
        "service_name": task.title,
        "description": "\n\n".join(p for p in (task.description, task.done_definition) if p),
        "requested_datetime": iso(task.assigned_at, tz),
        "updated_datetime": iso(task.updated_at, tz),
        "expected_datetime": end_of_day(task.deadline, tz),
        "resolution_number": task.resolution.number_text,
        "lianxi_status": task.status,
        "lianxi_deadline": task.deadline.isoformat(),
        "lianxi_original_deadline": original_deadline(task).isoformat(),
        "lianxi_round": task.round,
        "lianxi_signed_datetime": iso(task.accepted_at, tz),
        "lianxi_signed_late": task.signed_late,
        "lianxi_contacted_datetime": iso(task.contacted_at, tz),
        "lianxi_completed_datetime": iso(task.completed_at, tz),
        "lianxi_closed_datetime": iso(task.closed_at, tz),
        "lianxi_excluded_reason": task.excluded_reason or None,
        "lianxi_co_units": "; ".join(f"{p.unit.name}:{p.status}" for p in task.parts),
    }


#: What a spreadsheet reads as the start of a formula (the full-width forms too: some Chinese and
#: Japanese spreadsheet versions turn them into their ASCII twins).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula, made plain text with a leading "'".

    Applies to text only: numbers (a negative count) are left as they are. Anyone reading the CSV
    with a program sees the apostrophe; it is the OWASP-recommended escape for CSV injection.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[dict], fields: tuple[str, ...]) -> str:
    """Rows as CSV with a header line; nested values (the rule) as JSON text; formulas defused."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: neutralise_formula(
                    json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v
                )
                for k, v in row.items()
                if k in fields
            }
        )
    return out.getvalue()


def to_atom(entries: list[dict], *, title: str, feed_url: str, site_url: str, tz: str) -> bytes:
    """An Atom feed of resolutions; ``entries`` are resolution rows plus their ``text``."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    updated = max((e["published"] for e in entries), default=None)
    sub(feed, "updated", updated or datetime(2026, 1, 1, tzinfo=ZoneInfo(tz)).isoformat())
    sub(feed, "link", rel="self", href=feed_url)
    sub(feed, "link", rel="alternate", href=site_url)
    for row in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", row["url"])
        sub(entry, "title", f"{row['number']} {row['title']}")
        sub(entry, "updated", row["published"])
        sub(entry, "published", row["published"])
        sub(entry, "link", rel="alternate", href=row["url"])
        sub(sub(entry, "author"), "name", row["body"])
        sub(entry, "summary", row["text"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
