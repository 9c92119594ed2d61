"""Lianxi (联席): the application factory."""

from pathlib import Path

from flask import Flask

from app import (
    config,
    database,
    extensions,
    i18n,
    ratelimits,
    security,
    static_files,
    templating,
)
from app.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: configuration from the environment, then ``test_config`` on top."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    # Not a bare ``htmx``: importing the app.web.htmx module rebinds that name in this package.
    extensions.htmx.init_app(app)
    ratelimits.init_app(app)
    security.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    static_files.init_app(app)
    templating.init_app(app)

    _register_blueprints(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.accounts.routes import bp as accounts
    from app.admin.routes import bp as admin
    from app.board.routes import bp as board
    from app.bodies.routes import bp as bodies
    from app.errors import init_app as init_errors
    from app.followup.routes import bp as followup
    from app.meetings.routes import bp as meetings
    from app.opendata.routes import bp as opendata
    from app.topics.routes import bp as topics
    from app.voting.routes import bp as voting

    app.register_blueprint(accounts)
    app.register_blueprint(admin)
    app.register_blueprint(board)
    app.register_blueprint(bodies)
    app.register_blueprint(topics)
    app.register_blueprint(followup)
    app.register_blueprint(opendata)
    app.register_blueprint(voting)
    app.register_blueprint(meetings)
    init_errors(app)


def _register_commands(app: Flask) -> None:
    from app.cli import create_admin, seed_demo
    from app.reliability_cli import audit, export, import_
    from app.voting.cli import apportion, tally

    for command in (create_admin, seed_demo, tally, apportion, audit, export, import_):
        app.cli.add_command(command)
