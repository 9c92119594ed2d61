"""`flask export` / `flask import`: a versioned JSON backup restored into an empty database."""

import json
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AgendaItem, Meeting, Topic, User
from tests.reliability.conftest import app_settings_for, empty_database, other_app


@pytest.fixture
def site(make_app, tmp_path):
    """Make an app on a new database of its own, migrated unless ``migrated=False``."""
    with ExitStack() as stack:

        def build(role: str, migrated: bool = True):
            url = stack.enter_context(empty_database(tmp_path, role))
            other = make_app(**app_settings_for(url))
            if migrated:
                assert _run(other, "db", "upgrade").exit_code == 0
            return other

        yield build


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _all_rows(app) -> dict[str, list[tuple]]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(table).order_by(*table.primary_key.columns)
            ).all()
            for table in db.metadata.sorted_tables
        }


def _demo_with_history(app) -> None:
    """The demo data, plus what the demo lacks: audit events, a merge, a meeting's current item."""
    assert _run(app, "seed-demo").exit_code == 0
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        topics = db.session.scalars(sa.select(Topic).order_by(Topic.id)).all()
        item = db.session.scalars(sa.select(AgendaItem).order_by(AgendaItem.id)).first()
        # A topic merged into a later one, and a meeting pointing at its item: foreign keys
        # that point forward, which import must fill in after the rows they point at exist.
        topics[0].status, topics[0].merged_into_id = "merged", topics[-1].id
        db.session.get(Meeting, item.meeting_id).current_item_id = item.id
        for number in range(3):
            audit.record("backup.test", admin, actor=admin, after={"n": number, "文字": "备份"})
        db.session.commit()


@pytest.fixture(scope="module")
def exported(app, tmp_path_factory):
    """The demo site with history, exported once for the module: (export file, its rows)."""
    folder = tmp_path_factory.mktemp("export")
    path = folder / "lianxi-backup.json"
    with empty_database(folder, "export") as url, other_app(app, **app_settings_for(url)) as source:
        assert _run(source, "db", "upgrade").exit_code == 0
        _demo_with_history(source)
        result = _run(source, "export", str(path))
        assert result.exit_code == 0, result.output
        yield path, _all_rows(source)


def test_round_trip_restores_every_table_and_the_same_file(exported, site, tmp_path):
    """Import into an empty database gives equal tables, the same export bytes, a whole chain."""
    path, before = exported
    target = site("restore")
    result = _run(target, "import", str(path))
    assert result.exit_code == 0, result.output
    after = _all_rows(target)
    assert set(after) == {table.name for table in db.metadata.sorted_tables}
    assert sum(map(len, before.values())) > 100
    for name in before:
        assert after[name] == before[name], name
    again = tmp_path / "again.json"
    assert _run(target, "export", str(again)).exit_code == 0
    assert again.read_bytes() == path.read_bytes()
    verify = _run(target, "audit", "verify")
    events = len(before["audit_events"])  # the demo's history and the three test events
    assert events > 3 and verify.exit_code == 0 and f"intact: {events} events" in verify.output


def test_new_rows_get_fresh_ids_after_import(exported, site):
    """After a restore the id sequences are past the restored rows, so new rows can be added."""
    path, _ = exported
    target = site("restore")
    assert _run(target, "import", str(path)).exit_code == 0
    with target.app_context():
        largest = db.session.scalar(sa.select(sa.func.max(User.id)))
        user = User(name="新成员")
        db.session.add(user)
        audit.record("user.created", user)
        db.session.commit()
        assert user.id == largest + 1
        assert audit.verify() == (True, None)


def test_export_file_is_versioned_json_in_key_order(exported):
    """The file says what it is; rows are in primary-key order; dates are ISO text."""
    path, _ = exported
    document = json.loads(path.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("lianxi-export", 1)
    assert document["alembic_revision"]
    assert list(document["tables"]) == [t.name for t in db.metadata.sorted_tables]
    users = document["tables"]["users"]
    assert [row["id"] for row in users] == sorted(row["id"] for row in users)
    assert isinstance(document["tables"]["bodies"][0]["default_rule"], dict)
    assert "T" in users[0]["created_at"]


def test_import_refuses_a_database_that_is_not_empty(exported, site):
    """Importing over existing data is refused with one clear line and exit status 2."""
    path, _ = exported
    target = site("restore")
    assert _run(target, "import", str(path)).exit_code == 0
    result = _run(target, "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("import refused: the database is not empty")
    assert result.stderr.count("\n") == 1


def test_import_refuses_a_database_without_the_schema(exported, site):
    """A database where `flask db upgrade` has not run yet is refused, saying what to do."""
    path, _ = exported
    target = site("restore", migrated=False)
    result = _run(target, "import", str(path))
    assert result.exit_code == 2 and "run `flask db upgrade` first" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: {**d, "version": 2}, "export format version 2 is not supported"),
        (lambda d: {**d, "format": "other-app"}, 'not a Lianxi export: "format"'),
        (lambda d: [d], 'not a Lianxi export: "format"'),
        (lambda d: {**d, "alembic_revision": "0123abcd"}, "exported at schema revision 0123abcd"),
        (
            lambda d: {**d, "tables": {**d["tables"], "secrets": []}},
            "a table this Lianxi does not know: secrets",
        ),
    ],
)
def test_import_refuses_another_format_or_version(exported, site, tmp_path, change, message):
    """A file of another format, version or schema revision is refused, the database untouched."""
    path, _ = exported
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(change(json.loads(path.read_text()))), encoding="utf-8")
    target = site("restore")
    result = _run(target, "import", str(changed))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert sum(map(len, _all_rows(target).values())) == 0


def test_import_refuses_malformed_json(site, tmp_path):
    """A truncated file is refused as not valid JSON."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "lianxi-export", "version": 1, "tab', encoding="utf-8")
    result = _run(site("restore"), "import", str(broken))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_a_bad_row_late_in_the_file_leaves_the_database_empty(exported, site, tmp_path):
    """Import is all or nothing: a bad value in the last table rolls every table back."""
    path, _ = exported
    document = json.loads(path.read_text())
    last = next(name for name in reversed(document["tables"]) if document["tables"][name])
    row = document["tables"][last][0]
    column = next(key for key in row if key.endswith("_at") or key.endswith("_on"))
    row[column] = "not a date"
    changed = tmp_path / "bad-row.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    target = site("restore")
    result = _run(target, "import", str(changed))
    assert result.exit_code == 2 and f"table {last}" in result.stderr
    assert sum(map(len, _all_rows(target).values())) == 0
