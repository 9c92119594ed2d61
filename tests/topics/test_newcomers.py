"""A newcomer raises a topic from the home page and finds the way back from a receipt number."""

from app.extensions import db
from app.models import Topic
from tests.factories import make_body


def test_home_page_links_straight_to_the_topic_form(ctx, client):
    """One body: "我要提议题" opens its form; each body's card has its own button too."""
    body = make_body(holders=False)
    page = client.get("/").text
    assert f'href="/b/{body.slug}/topics/new">我要提议题</a>' in page
    make_body(holders=False)
    page = client.get("/").text
    assert 'href="#bodies">我要提议题</a>' in page and page.count("/topics/new") == 2


def test_receipt_number_search_says_how_to_get_back_to_the_follow_page(ctx, client):
    """Typing the receipt number shows the topic and explains the private follow link."""
    body = make_body(holders=False)
    db.session.add(
        Topic(
            body_id=body.id,
            receipt_no="HUAXING-2026-0007",
            follow_token_hash="e" * 64,
            title="路灯坏了",
            description="说明",
            category="设施",
        )
    )
    db.session.commit()
    found = client.get(f"/b/{body.slug}/topics?q=huaxing-2026-0007").text
    assert "路灯坏了" in found and "跟进链接只有您有" in found
    words = client.get(f"/b/{body.slug}/topics?q=路灯").text
    assert "路灯坏了" in words and "跟进链接只有您有" not in words
