"""Open data of the lists: projects and pledges as JSON and CSV.

Amounts are written as decimal strings ("1900000.00"), never floats. In CSV, a text cell that a
spreadsheet would run as a formula gets a leading apostrophe (``shape.neutralise_formula``, as
in every open-data CSV), so a pledger named "=HYPERLINK(x)" stays text.
"""

import csv
import io
import json
from decimal import Decimal

from flask import Response

from app.models import Body, Pledge, Project
from app.opendata import shape
from app.web.urls import external_url

PROJECT_FIELDS = (
    "id",
    "batch",
    "title",
    "need",
    "category",
    "lead_unit",
    "budget_yuan",
    "status",
    "deadline",
    "resolution",
    "funds_pledged_yuan",
    "funds_delivered_yuan",
    "url",
)
PLEDGE_FIELDS = ("project_id", "project", "pledger", "kind", "amount", "delivered", "unit")
ZERO = Decimal("0.00")


def project_row(project: Project, slug: str) -> dict:
    """One project as open data, its money as exact decimal strings."""
    funds = [p for p in project.pledges if p.kind == "funds"]
    return {
        "id": project.id,
        "batch": project.batch.number if project.batch else None,
        "title": project.title,
        "need": project.need.title,
        "category": project.need.category,
        "lead_unit": project.lead_unit.name,
        "budget_yuan": str(project.budget),
        "status": project.status,
        "deadline": project.deadline.isoformat(),
        "resolution": project.resolution.number_text if project.resolution else None,
        "funds_pledged_yuan": str(sum((p.amount for p in funds), start=ZERO)),
        "funds_delivered_yuan": str(sum((p.delivered for p in funds), start=ZERO)),
        "url": external_url("lists.happiness", slug=slug) + f"#project-{project.id}",
    }


def pledge_row(item: Pledge) -> dict:
    """One pledge as open data."""
    return {
        "project_id": item.project_id,
        "project": item.project.title,
        "pledger": item.pledger,
        "kind": item.kind,
        "amount": str(item.amount),
        "delivered": str(item.delivered),
        "unit": item.unit,
    }


def to_csv(rows: list[dict], fields: tuple[str, ...]) -> str:
    """Rows as CSV with a header line, formula-looking text neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: shape.neutralise_formula(row[k]) for k in fields})
    return out.getvalue()


def _csv(text: str) -> Response:
    return Response("\ufeff" + text, mimetype="text/csv", headers={"Content-Disposition": "inline"})


def projects_json(body: Body, projects: list[Project]) -> Response:
    """Projects with their pledges, as readable UTF-8 JSON."""
    data = {
        "body": body.slug,
        "projects": [
            project_row(p, body.slug) | {"pledges": [pledge_row(x) for x in p.pledges]}
            for p in projects
        ],
    }
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")


def projects_csv(body: Body, projects: list[Project]) -> Response:
    """Projects, one row each."""
    return _csv(to_csv([project_row(p, body.slug) for p in projects], PROJECT_FIELDS))


def pledges_csv(body: Body, pledges: list[Pledge]) -> Response:
    """Pledges, one row each."""
    return _csv(to_csv([pledge_row(x) for x in pledges], PLEDGE_FIELDS))
