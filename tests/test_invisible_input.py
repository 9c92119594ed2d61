"""Text made only of invisible characters is empty; usernames are ones that can sign in."""

import pytest

from app.security import invisible_only
from tests.factories import make_body, make_user

ZERO_WIDTH = ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060 \u200b", " \u180e "]


@pytest.mark.parametrize("title", ZERO_WIDTH)
def test_a_title_of_zero_width_characters_is_required_again(client, ctx, title):
    """A public topic titled only with zero-width characters is refused as having no title."""
    body = make_body("huaxing")
    response = client.post(
        f"/b/{body.slug}/topics/new",
        data={"title": title, "description": "说明", "category": "环境卫生"},
    )
    assert response.status_code in (200, 422)
    assert "请写一个标题" in response.get_data(as_text=True)


def test_visible_text_is_kept_whatever_invisible_characters_it_holds():
    """Only text that shows nothing is emptied; a zero-width joiner inside text stays."""
    assert invisible_only("\u200b\u200b") and invisible_only("  ")
    assert not invisible_only("👨\u200d👩") and not invisible_only("\u200b路灯")
    assert not invisible_only("")


@pytest.mark.parametrize("username", ["li-ping", "li ping"])
def test_the_admin_cannot_create_a_username_that_could_never_sign_in(
    client, ctx, login_as, username
):
    """Sign-in drops "-" and spaces from what is typed, so usernames may not hold them."""
    admin = make_user(is_admin=True)
    body = make_body("huaxing")
    login_as(admin)
    response = client.post(
        f"/admin/bodies/{body.slug}/conveners",
        data={"person": "0", "name": "李平", "phone": "13900001111", "username": username},
    )
    assert "不能有“-”或空格" in response.get_data(as_text=True)
