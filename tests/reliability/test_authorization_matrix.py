"""The authorization matrix: every route of the URL map, as every role, against the policy table.

The routes come from ``app.url_map`` (``static`` aside); who may use each is in
``policy_table.POLICY``. Each (endpoint, method) is one test, which builds the world of
``authz_world``, requests the route as each refused role first (a refusal changes nothing), then
as each allowed role, building the world again after an allowed POST that may have changed it.
Further tests: CSRF on every POST, drafts hidden, wrong tokens, objects of another body.
"""

from pathlib import Path

import pytest
from flask import url_for

from app.extensions import db
from tests.conftest import empty_all_tables, session_token
from tests.reliability.authz_world import ROLES, build_world, fill
from tests.reliability.policy_table import (
    AUDIENCES,
    CSRF_EXEMPT,
    DRAFT_MEETING_REACHABLE,
    HIDDEN,
    MINIMAL_FORMS,
    POLICY,
)
from tests.snapshot import Snapshot, files_in


def _routes():
    """Every (endpoint, method) of the app's URL map, static files aside.

    Read from an app of its own at collection time (the suite's app is a fixture); the limiter,
    which a new app rebinds, gets its state back.
    """
    from app import create_app
    from app.extensions import limiter

    snapshot = dict(vars(limiter))
    settings = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    app = create_app({**settings, "RATELIMIT_ENABLED": False})
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    routes = sorted(
        (rule.endpoint, method) for rule in rules for method in rule.methods - {"HEAD", "OPTIONS"}
    )
    for key in list(vars(limiter)):
        if key not in snapshot:
            delattr(limiter, key)
    vars(limiter).update(snapshot)
    return routes, rules


ROUTES, _RULES = _routes()


#: The world of each app (one per run), and the snapshot its later copies are restored from.
_BUILT: dict[int, tuple[dict, Snapshot]] = {}


def _world(app) -> dict:
    """An empty database, then the matrix's world, the same (same ids) every time.

    Built once through the factories, then restored from a snapshot of its rows and files:
    building it took 40-odd commits, most of the matrix's time, and the matrix needs it again
    for every route and after every POST that may have changed it.
    """
    with app.app_context():
        db.session.remove()
        if id(app) in _BUILT:
            world, snapshot = _BUILT[id(app)]
            snapshot.restore()
            return world
        empty_all_tables()
        uploads = Path(app.config["UPLOAD_FOLDER"])
        files_before = files_in(uploads)
        world = build_world(str(uploads))
        db.session.remove()
        _BUILT[id(app)] = (world, Snapshot.take(uploads, files_before))
    return world


def _url(app, endpoint: str, world: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **fill(rule, world))


def _request(app, endpoint, method, role, world, headers=None):
    """Request the route as ``role`` on a client of its own; return the response."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = session_token(app, world["people"][role])
            session["_fresh"] = True
    data = MINIMAL_FORMS.get(endpoint, {}) if method == "POST" else None
    return client.open(_url(app, endpoint, world), method=method, data=data, headers=headers)


def _to_sign_in(response) -> bool:
    return response.status_code in (302, 303) and "/sign-in" in response.headers.get("Location", "")


def refused(response, role: str) -> bool:
    """A refusal: 401/403, or for an anonymous visitor a redirect to the sign-in page."""
    return response.status_code in (401, 403) or (role == "anonymous" and _to_sign_in(response))


def test_every_route_is_in_the_policy_table():
    """A route of the URL map missing from the policy table fails, naming the endpoint."""
    missing = [f"{e} {m}" for e, m in ROUTES if (e, m) not in POLICY]
    assert not missing, f"add it to the policy table (tests/reliability/policy_table.py): {missing}"
    stale = sorted(set(POLICY) - set(ROUTES))
    assert not stale, f"the policy table lists routes the app no longer has: {stale}"
    assert set(POLICY.values()) <= set(AUDIENCES)


@pytest.mark.parametrize(("endpoint", "method"), ROUTES, ids=[f"{e}-{m}" for e, m in ROUTES])
def test_authorization_matrix(app, endpoint, method):
    """Each role is refused or let through exactly as the policy table says."""
    audience = POLICY.get((endpoint, method))
    assert audience, f"{endpoint} {method}: add it to the policy table"
    allowed = AUDIENCES[audience]
    wrong = []
    world = _world(app)
    for role in [r for r in ROLES if r not in allowed]:
        response = _request(app, endpoint, method, role, world)
        hidden_ok = (endpoint, method) in HIDDEN and response.status_code == 404
        if not (refused(response, role) or hidden_ok):
            wrong.append(f"{role} should be refused, got {response.status_code}")
    changed = False  # whether an allowed POST may have changed the world
    for role in [r for r in ROLES if r in allowed]:
        if changed:
            world = _world(app)
        response = _request(app, endpoint, method, role, world)
        changed = method != "GET" and response.status_code < 400
        if refused(response, role) or _to_sign_in(response) or response.status_code in (404, 500):
            wrong.append(f"{role} ({audience}) should be let through, got {response.status_code}")
    assert not wrong, f"{endpoint} {method} [{audience}]: " + "; ".join(wrong)


def _points_at(endpoint: str, kinds: set[str]) -> bool:
    """Whether the route's URL carries one of ``kinds`` (meeting, resolution)."""
    rule = next(r for r in _RULES if r.endpoint == endpoint)
    carried = set()
    if "meeting_id" in rule.arguments or rule.rule.startswith("/meetings/<int:id>"):
        carried.add("meeting")
    if (
        rule.arguments & {"resolution_id", "task_id", "update_id"}
        or "/t/<token>/tasks" in rule.rule
    ):
        carried.add("resolution")
    return bool(carried & kinds)


#: Routes to check with drafts: those open beyond the conveners that point at a meeting, and
#: the public ones that point at a resolution (its tasks are the unit's and members' business
#: before publication too).
DRAFT_ROUTES = [
    (e, m)
    for e, m in ROUTES
    if (
        POLICY[(e, m)] in ("public", "token", "signed_in", "member", "member_or_convener")
        and _points_at(e, {"meeting"})
        and e not in DRAFT_MEETING_REACHABLE
    )
    or (POLICY[(e, m)] in ("public", "token") and _points_at(e, {"resolution"}))
]


@pytest.mark.parametrize(("endpoint", "method"), DRAFT_ROUTES, ids=[e for e, _ in DRAFT_ROUTES])
def test_drafts_are_hidden(app, endpoint, method):
    """A draft meeting or resolution is not shown (404, or a refusal) to anyone but conveners."""
    from app.models import Meeting, Resolution

    wrong = []
    world = _world(app)
    with app.app_context():
        db.session.get(Meeting, world["meeting"]).status = "draft"
        db.session.get(Resolution, world["resolution"]).status = "draft"
        db.session.commit()
        db.session.remove()
    for role in ROLES:
        if role in ("convener", "admin"):
            continue
        response = _request(app, endpoint, method, role, world)
        if not (refused(response, role) or response.status_code == 404):
            wrong.append(f"{role} got {response.status_code}")
    assert not wrong, f"{endpoint} {method} shows a draft: " + "; ".join(wrong)


TOKEN_ROUTES = [(e, m) for e, m in ROUTES if POLICY.get((e, m)) == "token"]


@pytest.mark.parametrize(("endpoint", "method"), TOKEN_ROUTES, ids=[e for e, _ in TOKEN_ROUTES])
def test_a_wrong_token_finds_nothing(app, endpoint, method):
    """A token route answers 404 to a made-up token (the token is what lets one in)."""
    world = _world(app)
    for token in ("link_token", "follow_token", "checkin_token", "owner_code"):
        world[token] = "made-up-token"
    response = _request(app, endpoint, method, "anonymous", world)
    assert response.status_code == 404


POSTS = [e for e, m in ROUTES if m == "POST"]


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_every_post_without_a_csrf_token_is_refused(app, monkeypatch, htmx):
    """With CSRF on, every POST route (as a role allowed to use it) without a token answers 400."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    headers = {"HX-Request": "true"} if htmx else None
    world = _world(app)
    wrong = []
    for endpoint in POSTS:
        if endpoint in CSRF_EXEMPT:
            continue
        audience = AUDIENCES[POLICY[(endpoint, "POST")]]
        role = next(r for r in ROLES if r in audience)
        response = _request(app, endpoint, "POST", role, world, headers=headers)
        if response.status_code != 400 or "页面已失效" not in response.get_data(as_text=True):
            wrong.append(f"{endpoint} as {role}: {response.status_code}")
    assert not wrong, "POST accepted without a CSRF token: " + "; ".join(wrong)
    assert set(CSRF_EXEMPT) <= set(POSTS)


def _arguments(endpoint: str) -> set[str]:
    return set(next(r for r in _RULES if r.endpoint == endpoint).arguments)


#: Routes naming a parent (a body by slug, a meeting) and a child object of it.
PARENT_AND_CHILD = [
    (e, m)
    for e, m in ROUTES
    if not e.startswith("admin.")
    and _arguments(e) & {"slug", "meeting_id"}
    and _arguments(e) - {"slug", "meeting_id"}
]


@pytest.mark.parametrize(
    ("endpoint", "method"), PARENT_AND_CHILD, ids=[e for e, _ in PARENT_AND_CHILD]
)
def test_a_child_of_another_body_is_not_reached_through_ones_own(app, endpoint, method):
    """Another body's convener cannot reach this body's seat, item or constituency via their own."""
    world = _world(app)
    rule = next(r for r in _RULES if r.endpoint == endpoint)
    values = fill(rule, world)
    if "slug" in rule.arguments:
        values["slug"] = world["other_body"]
    if "meeting_id" in rule.arguments:
        values["meeting_id"] = world["other_meeting"]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token(app, world["people"]["other_convener"])
    with app.test_request_context():
        url = url_for(endpoint, **values)
    response = client.open(url, method=method, data=MINIMAL_FORMS.get(endpoint, {}))
    assert response.status_code in (403, 404), f"{url}: {response.status_code}"


SEAT_ROUTES = [(e, m) for e, m in PARENT_AND_CHILD if "seat_id" in _arguments(e)]


@pytest.mark.parametrize(("endpoint", "method"), SEAT_ROUTES, ids=[e for e, _ in SEAT_ROUTES])
def test_a_seat_of_another_body_is_not_reached_through_this_one(app, endpoint, method):
    """The body's own convener cannot reach another body's seat through this body (404/403)."""
    world = _world(app)
    rule = next(r for r in _RULES if r.endpoint == endpoint)
    values = {**fill(rule, world), "seat_id": world["other_seat"]}
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token(app, world["people"]["convener"])
    with app.test_request_context():
        url = url_for(endpoint, **values)
    response = client.open(url, method=method, data=MINIMAL_FORMS.get(endpoint, {}))
    assert response.status_code in (403, 404), f"{url}: {response.status_code}"
