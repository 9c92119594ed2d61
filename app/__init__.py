"""Lianxi (联席): the application factory."""

from pathlib import Path

from flask import Flask

from app import (
    audit_chainer,
    cli,
    compression,
    config,
    database,
    errors,
    extensions,
    i18n,
    ratelimits,
    reliability_cli,
    security,
    static_files,
    templating,
)
from app.accounts import routes as accounts
from app.admin import routes as admin
from app.board import routes as board
from app.bodies import routes as bodies
from app.extensions import babel, csrf, db, login_manager, migrate
from app.followup import cli as followup_cli
from app.followup import routes as followup
from app.lists import routes as lists
from app.meetings import routes as meetings
from app.notifications import cli as notify_cli
from app.opendata import routes as opendata
from app.owners import cli as owners_cli
from app.owners import routes as owners
from app.points import routes as points
from app.topics import routes as topics
from app.voting import cli as voting_cli
from app.voting import routes as voting
from app.voting import unchanged_polls
from app.web import forms as web_forms
from app.web import urls

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: configuration from the environment, then ``test_config`` on top."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = urls.trusted_hosts(
            app.config.get("LIANXI_BASE_URL"), app.config.get("LIANXI_ALLOWED_HOSTS")
        )

    db.init_app(app)
    database.init_app(app)
    audit_chainer.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    # Templates get Flask-Login's proxy, not the person loaded for every render (templating.py).
    login_manager.init_app(app, add_context_processor=False)
    csrf.init_app(app)
    compression.init_app(app)
    # Not a bare ``htmx``: importing the app.web.htmx module rebinds that name in this package.
    extensions.htmx.init_app(app)
    ratelimits.init_app(app)
    # Before security.init_app: its proxy fix, when on, must wrap the change check too.
    unchanged_polls.init_app(app)
    security.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    static_files.init_app(app)
    templating.init_app(app)
    web_forms.init_app(app)

    _register_blueprints(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for area in (
        accounts,
        admin,
        board,
        bodies,
        topics,
        followup,
        opendata,
        voting,
        meetings,
        owners,
        lists,
        points,
    ):
        app.register_blueprint(area.bp)
    errors.init_app(app)


def _register_commands(app: Flask) -> None:
    for command in (
        cli.create_admin,
        cli.seed_demo,
        followup_cli.followup,
        followup_cli.workdays,
        notify_cli.notify,
        voting_cli.tally,
        voting_cli.apportion,
        owners_cli.owners_close,
        reliability_cli.audit,
        reliability_cli.export,
        reliability_cli.import_,
    ):
        app.cli.add_command(command)
