"""Who may reach which topic: loaders that answer 404/403, built on app.policy."""

from flask import abort
from flask_login import current_user

from app import policy, ratelimits
from app.extensions import db
from app.models import Body, Topic
from app.topics import submission


def body_of(topic: Topic) -> Body:
    """The body a topic was raised with."""
    return db.session.get(Body, topic.body_id)


def followed_topic_or_404(token: str) -> Topic:
    """The topic behind a private follow link: anyone holding the link, else 404.

    Unknown tokens are counted per address; past the limit the answer is 429.
    """
    topic = submission.topic_for_token(db.session, token) if len(token) <= 100 else None
    if topic is None:
        abort(429 if ratelimits.unknown_token("LIANXI_FOLLOW_LIMIT_IP").refused else 404)
    return topic


def topic_to_triage_or_403(topic_id: int) -> tuple[Topic, Body]:
    """A topic and its body for triage: 404 if unknown, 403 unless convening the body."""
    topic = db.get_or_404(Topic, topic_id)
    body = body_of(topic)
    if not policy.is_convener(current_user, body):
        abort(403)
    return topic, body


def topic_to_second_or_403(topic_id: int) -> tuple[Topic, Body]:
    """A topic and its body for seconding (附议): 404 if unknown, 403 unless a member."""
    topic = db.get_or_404(Topic, topic_id)
    body = body_of(topic)
    if not policy.is_member(current_user, body):
        abort(403)
    return topic, body
