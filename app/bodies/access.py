"""What the set-up pages load below a body, answering 404 for what is not the body's own.

The body itself is loaded with ``policy.convened_body_or_403``: conveners and administrators only.
"""

from flask import abort

from app.extensions import db
from app.models import Body, Constituency


def constituency_of_body_or_404(body: Body, constituency_id: int) -> Constituency:
    """A constituency of ``body``, or 404: another body's constituency is never reached here."""
    constituency = db.get_or_404(Constituency, constituency_id)
    if constituency.body_id != body.id:
        abort(404)
    return constituency
