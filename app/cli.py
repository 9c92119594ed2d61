"""Management commands: ``flask create-admin`` and ``flask seed-demo``."""

import re

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.admin.forms import USERNAME_PATTERN
from app.demo import DEMO_PASSWORD, SIGN_IN_HINTS, seed
from app.extensions import db
from app.models import Body, User


@click.command("create-admin")
@click.option("--username", prompt="用户名 / username")
@click.option("--name", prompt="姓名 / name")
@click.password_option("--password", prompt="密码 / password")
@with_appcontext
def create_admin(username: str, name: str, password: str) -> None:
    """Create an administrator account (or make an existing one administrator)."""
    if len(password) < 8:
        raise click.UsageError("密码至少 8 位 / the password needs at least 8 characters")
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise click.UsageError(
            "用户名用 3 个以上英文字母、数字、下划线或点 / "
            "a username is 3-64 letters, digits, '_' or '.' (no '-' or spaces)"
        )
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = User(username=username, name=name)
        db.session.add(user)
    user.name = name
    user.is_admin = True
    user.set_password(password)
    db.session.commit()
    click.echo(f"administrator {username} is ready")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no body yet.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the demo bodies, people, topics, a past meeting, resolutions and tasks."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Body)):
        click.echo("demo: the database already has data, nothing to do")
        return
    created = seed(db.session)
    db.session.commit()
    if not created:
        click.echo("demo: already loaded, nothing duplicated")
    click.echo(f"demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for line in _demo_sign_ins():
        click.echo("  " + line)


def _demo_sign_ins() -> list[str]:
    """One line per demo person: who they are and how they sign in."""
    return [f"{who:<28} {login}" for who, login in SIGN_IN_HINTS]
