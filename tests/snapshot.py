"""A snapshot of the database's rows (and of files written beside them), restored in a moment.

For tests that need the same large world many times over (the authorization matrix builds one
per route, and again after every POST that may have changed it): building it is some forty
commits through the factories; restoring it is one DELETE per table, one INSERT per table that
had rows and, on PostgreSQL, one statement setting the id sequences past the restored ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import empty_all_tables


@dataclass(frozen=True)
class Snapshot:
    """Every table's rows, and the bytes of the files that were written while they were made."""

    rows: dict[str, list[dict]]
    files: dict[Path, bytes]

    @classmethod
    def take(cls, folder: Path, files_before: set[Path]) -> Snapshot:
        """The database as it is now; the files of ``folder`` not in ``files_before``."""
        with db.engine.connect() as connection:
            rows = {
                table.name: [dict(row._mapping) for row in connection.execute(table.select())]
                for table in db.metadata.sorted_tables
            }
        files = {path: path.read_bytes() for path in files_in(folder) - files_before}
        return cls(rows, files)

    def restore(self) -> None:
        """Empty every table, put the rows back (parents first) and rewrite any missing file."""
        empty_all_tables()
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            for table in tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text(self._sequences_past_restored_ids(tables)))
        for path, content in self.files.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)

    def _sequences_past_restored_ids(self, tables) -> str:
        """One SELECT that moves each restored table's ``id`` sequence to its highest id."""
        moves = [
            f"setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"{max(row['id'] for row in self.rows[table.name])})"
            for table in tables
            if "id" in table.columns and self.rows[table.name]
        ]
        return "SELECT " + ", ".join(moves) if moves else "SELECT 1"


def files_in(folder: Path) -> set[Path]:
    """Every file under ``folder`` (none when it does not exist)."""
    return {path for path in Path(folder).rglob("*") if path.is_file()}
