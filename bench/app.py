"""The app under benchmark: Lianxi itself plus two baseline routes that exist only here.

``gunicorn 'bench.app:create_bench_app()'`` serves it. ``/bench/bare`` is the cost of a request
through this stack (gunicorn, Flask, the extensions' hooks) doing nothing; ``/bench/insert`` adds
one INSERT and a commit, which is the physical floor of any request that writes, such as a
ballot. The table ``bench_insert`` is created by ``bench/run.py``.
"""

import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db

_INSERT = sa.text("INSERT INTO bench_insert (at) VALUES (now())")


def create_bench_app() -> Flask:
    """Lianxi as configured from the environment, with the two baseline routes."""
    app = create_app()

    @app.get("/bench/bare")
    def bench_bare():
        """Answer at once: the cost of the stack."""
        return "ok"

    @app.get("/bench/insert")
    def bench_insert():
        """One bare INSERT and a commit: the floor of a request that writes."""
        db.session.execute(_INSERT)
        db.session.commit()
        return "ok"

    return app
