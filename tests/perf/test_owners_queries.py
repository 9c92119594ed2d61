"""Owners' pages run the same number of queries for a small and a larger compound.

The registry page (a page of 100 units), the decision page during the window (participation)
and after close (the frozen notice), and an owner's ballot page must not add a query per unit,
owner or ballot.
"""

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.owners import ballots
from tests.conftest import session_token
from tests.owners.helpers import make_compound, make_decision
from tests.perf.conftest import explain


def compound(units: int):
    """A compound of ``units`` units, one owner each (with a contact), half of them voted."""
    rows = [(f"{1 + n % 6}-{n}", "88.5", f"o{n}", f"业主{n}") for n in range(units)]
    body, convener, owners = make_compound(rows)
    decision = make_decision(body)
    for n, owner in enumerate(owners.values()):
        if n % 2 == 0:
            ballots.cast(db.session, decision, owner, None, "yes", "phone", clock.now())
    db.session.commit()
    code = owners["o1"].contacts[0].issue_code()
    db.session.commit()
    return body, convener, decision, code


def pages(body, decision, code):
    """The URLs to measure, with whether the committee's sign-in is needed."""
    return [
        (f"/b/{body.slug}/owners", True),
        (f"/owners/decisions/{decision.id}", False),
        (f"/o/{code}/d/{decision.id}", False),
        (f"/b/{body.slug}/owners/decisions", False),
    ]


@pytest.mark.parametrize("closed", [False, True], ids=["window", "closed"])
def test_owners_pages_run_a_constant_number_of_queries(app, ctx, queries, closed):
    """The same statements at 12 and at 240 units, during the window and after close."""
    counts = []
    for size in (12, 240):
        body, convener, decision, code = compound(size)
        if closed:
            decision.closes_at = clock.now() - timedelta(seconds=1)
            db.session.commit()
            app.test_client().get(f"/owners/decisions/{decision.id}")  # closes it
        measured = []
        for url, committee in pages(body, decision, code):
            client = app.test_client()
            if committee:
                with client.session_transaction() as session:
                    session["_user_id"] = session_token(app, convener.id)
            with queries() as log:
                assert client.get(url).status_code == 200, url
            measured.append((url.split("/")[-1], len(log), explain(log)))
        counts.append(measured)
    for (name, small, _), (_, large, log) in zip(*counts, strict=True):
        assert small == large, f"{name}: {small} statements at 12 units, {large} at 240\n{log}"
