"""The explicit second step of an irreversible action: on the same page, no pop-up, no JS.

An irreversible action (结束会议, 结束表决并计票, 腾出席位, 公示决议, 销号, opening a vote
without quorum) is offered as a link to its own page with ``?confirm=<step>``; that page then
shows a box saying what will happen and what cannot be undone, whose form posts the action with
``confirmed=yes``. A post without it never acts: it is answered with that same page and box.
"""

from flask import redirect, request

#: The value of the ``confirmed`` field that the confirmation box posts.
YES = "yes"


def confirmed() -> bool:
    """Whether the posted form is the second, explicit step (its box's button)."""
    return request.form.get("confirmed") == YES


def asking(step: str) -> bool:
    """Whether the page is asked to show the confirmation box of ``step``."""
    return request.args.get("confirm") == step


def ask(page_url: str, step: str):
    """Answer a post that was not confirmed: the page, with the box of ``step`` open."""
    joiner = "&" if "?" in page_url else "?"
    return redirect(f"{page_url}{joiner}confirm={step}#confirm-{step}")
