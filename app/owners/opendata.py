"""Owners' decisions as open data rows: the frozen result's figures, exact, with the basis."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from app.models import OwnerDecision
from app.owners.rules import LEGAL_BASIS

FIELDS = (
    "id",
    "body",
    "title",
    "item",
    "matter",
    "legal_basis",
    "opens_at",
    "closes_at",
    "closed_at",
    "passed",
    "owners_total",
    "owners_participating",
    "owners_yes",
    "owners_no",
    "owners_abstain",
    "area_total",
    "area_participating",
    "area_yes",
    "area_no",
    "area_abstain",
    "participation_owners",
    "participation_area",
    "yes_owners",
    "yes_area",
    "failed",
    "explanation",
    "url",
)


def _local(value, tz: str) -> str:
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).isoformat()


def decision_row(decision: OwnerDecision, body_name: str, url: str, tz: str) -> dict:
    """One closed decision as a flat row: counts as numbers, areas and ratios as exact "p/q"."""
    result = decision.frozen["result"]
    row = {
        "id": decision.id,
        "body": body_name,
        "title": decision.title,
        "item": decision.item,
        "matter": decision.matter,
        "legal_basis": LEGAL_BASIS,
        "opens_at": _local(decision.opens_at, tz),
        "closes_at": _local(decision.closes_at, tz),
        "closed_at": _local(decision.closed_at, tz),
        "passed": result["passed"],
        "failed": " ".join(result["failed"]),
        "explanation": result["explanation"],
        "url": url,
        # the Atom feed's fields
        "number": "【业主决议】",
        "published": _local(decision.closed_at, tz),
        "text": result["explanation"],
    }
    for kind in ("owners", "area"):
        for key, value in result[kind].items():
            row[f"{kind}_{key}"] = value
    row.update(result["ratios"])
    return row
