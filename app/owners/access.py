"""Who may reach owners' pages: loaders that answer 404/403, built on app.policy.

The owners' committee is the body's conveners (and administrators); owners come in with their
personal code, no account; everyone may read a decision's announcement, progress and result.
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app import audit, clock, database, policy, ratelimits
from app.extensions import db
from app.models import Body, OwnerContact, OwnerDecision, PaperBallot
from app.owners import ballots, queries, rules
from app.owners.rules import Phase


def decision_or_404(decision_id: int) -> OwnerDecision:
    """Any decision (all are public from their announcement), closed first if its window ended."""
    decision = db.get_or_404(OwnerDecision, decision_id)
    close_due([decision])
    return decision


def close_due(decisions) -> None:
    """Close, count and audit those of ``decisions`` whose window has ended (first request)."""
    now = clock.now()
    due = [d for d in decisions if rules.phase(d.status, d.opens_at, d.closes_at, now) == Phase.DUE]
    if not due:
        return
    ids = [d.id for d in due]
    database.start_writing()
    for decision_id in ids:
        decision = db.session.get(OwnerDecision, decision_id)
        if ballots.close_if_due(db.session, decision, now):
            audit.record("owner_decision.closed", decision, after={"passed": decision.passed})
    db.session.commit()


def decision_to_run_or_403(decision_id: int) -> OwnerDecision:
    """A decision of a compound the current person convenes: 404 if unknown, else 403."""
    decision = decision_or_404(decision_id)
    if not policy.is_convener(current_user, db.session.get(Body, decision.body_id)):
        abort(403)
    return decision


def contact_or_404(code: str) -> OwnerContact:
    """The owner's contact holding this code; 404 for a wrong code.

    Wrong codes are counted per address: 429 once an address has tried too many (ratelimits).
    """
    contact = queries.contact_for_code(db.session, code) if len(code) <= 40 else None
    if contact is None:
        abort(429 if ratelimits.unknown_token("LIANXI_LINK_LIMIT_IP").refused else 404)
    return contact


def decision_of_contact_or_404(code: str, decision_id: int) -> tuple[OwnerContact, OwnerDecision]:
    """The contact and a decision of their own compound; anything else is 404."""
    contact = contact_or_404(code)
    decision = decision_or_404(decision_id)
    if decision.body_id != contact.owner.body_id:
        abort(404)
    return contact, decision


def paper_locked_or_404(paper_id: int) -> PaperBallot:
    """A paper ballot with its row locked, so two people confirming at once confirm it once."""
    entry = db.session.scalar(
        sa.select(PaperBallot)
        .where(PaperBallot.id == paper_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return entry or abort(404)
