"""What the page header needs that costs a query, and the pages that go without it."""

from flask import current_app, request


def without_inbox_count(view):
    """Mark a page that leaves the header's "N 项待办" count out.

    The member's ballot page: 2,000 phones open it within a minute of a vote opening, and the
    count of a person's waiting tasks is four counts over every task of the bodies they sit
    in — on a district's board (300,000 tasks) about a second each. The link to "我的" stays.
    """
    view.without_inbox_count = True
    return view


def shows_inbox_count() -> bool:
    """Whether this request's page shows the header's count (see ``without_inbox_count``)."""
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "without_inbox_count", False)
