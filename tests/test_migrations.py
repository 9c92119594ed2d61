"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import engine_options
from app.extensions import db


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database of the engine under test, separate from the suite's own."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{sa.engine.make_url(url).database}_migrations"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_migrations_match_models_and_downgrade(fresh_url):
    """Upgrading an empty database leaves no difference from the models; downgrade empties it."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": fresh_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(fresh_url),
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_followup_upgrade_maps_existing_tasks_and_ratings(fresh_url):
    """The follow-up upgrade keeps existing tasks and ratings and maps them.

    Three-level ratings keep their level on the five-level scale and become visits by a member
    (answers unknown); a 签收 after 24 hours is marked late.
    """
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": fresh_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(fresh_url),
        }
    )
    at = datetime(2026, 9, 1, 1, 0)
    with app.app_context():
        upgrade(revision="7b3c9d2e4f10")
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as c:
            c.execute(
                t["users"].insert(),
                [dict(id=1, name="王", is_admin=False, active=True, created_at=at)],
            )
            c.execute(
                t["bodies"].insert(),
                [
                    dict(
                        id=1,
                        slug="b",
                        name="B",
                        short_name="B",
                        description="",
                        default_rule={},
                        topic_categories=[],
                        seconds_needed=0,
                        allow_multiple_proxies=False,
                        resolution_number_format="{number}",
                        rating_rule="majority_basic",
                        created_at=at,
                    )
                ],
            )
            c.execute(
                t["responsible_units"].insert(),
                [dict(id=1, slug="u", name="U", description="", created_at=at)],
            )
            c.execute(
                t["resolutions"].insert(),
                [
                    dict(
                        id=1,
                        body_id=1,
                        year=2026,
                        number=1,
                        number_text="1",
                        title="R",
                        text="",
                        decided_on=date(2026, 9, 1),
                        status="draft",
                        created_at=at,
                    )
                ],
            )
            common = dict(
                resolution_id=1,
                unit_id=1,
                title="T",
                description="",
                done_definition="d",
                deadline=date(2026, 9, 30),
                round=1,
                assigned_at=at,
                completion_report="",
                decline_reason="",
                updated_at=at,
            )
            c.execute(
                t["tasks"].insert(),
                [
                    dict(id=1, status="accepted", accepted_at=at + timedelta(hours=2), **common),
                    dict(id=2, status="accepted", accepted_at=at + timedelta(hours=30), **common),
                    dict(id=3, status="assigned", accepted_at=None, **common),
                ],
            )
            c.execute(
                t["ratings"].insert(),
                [
                    dict(
                        id=1,
                        task_id=1,
                        round=1,
                        user_id=1,
                        value="satisfied",
                        comment="",
                        created_at=at,
                    ),
                ],
            )
            c.execute(
                t["ratings"].insert(),
                [
                    dict(
                        id=3,
                        task_id=2,
                        round=1,
                        user_id=1,
                        value="unsatisfied",
                        comment="",
                        created_at=at,
                    )
                ],
            )
        upgrade()
        with db.engine.connect() as c:
            late = dict(c.execute(sa.text("SELECT id, signed_late FROM tasks")).all())
            ratings = c.execute(
                sa.text("SELECT value, channel, contacted, solved FROM ratings ORDER BY id")
            ).all()
            definitions = c.execute(sa.text("SELECT rate_definitions FROM bodies")).scalar()
        assert {k: bool(v) for k, v in late.items()} == {1: False, 2: True, 3: False}
        assert [tuple(r) for r in ratings] == [
            ("satisfied", "member", None, None),
            ("unsatisfied", "member", None, None),
        ]
        assert definitions is not None
        downgrade(revision="7b3c9d2e4f10")
        db.engine.dispose()
