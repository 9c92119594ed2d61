"""Scale: a 5,000-unit registry imports through the web, without a query per row.

Preview and save of 5,000 rows: every row stored, and on PostgreSQL a fixed number of
statements. Nothing is timed here (speed is for ``make bench``).
"""

import html
import io

import sqlalchemy as sa

from app.extensions import db
from app.models import Owner, Unit
from app.owners.registry import COLUMNS
from tests.factories import make_body, make_convener

UNITS = 5000
#: Preview and save together on PostgreSQL; one statement per row would be over 5,000. (SQLite
#: has no ordered RETURNING, so SQLAlchemy inserts its rows one by one, in-process: not counted.)
STATEMENT_CEILING = 100


def big_sheet() -> bytes:
    """5,000 units: 25 buildings × 2 entrances × 25 floors × 4 flats, one buyer of 4 units."""
    lines = [",".join(COLUMNS)]
    n = 0
    for building in range(1, 26):
        for entrance in (1, 2):
            for floor in range(1, 26):
                for flat in range(1, 5):
                    n += 1
                    key = "B1" if n <= 4 else ""
                    developer = "是" if building == 25 else ""
                    owner = "" if developer else f"业主{n}"
                    phone = "" if developer else f"138{n:08d}"
                    area = ("76.5", "89.47", "120", "135.2")[flat - 1]
                    lines.append(
                        f"{building},{entrance},{floor}{flat:02d},{area},登记,{owner},{phone},"
                        f",,{key},{developer}"
                    )
    assert n == UNITS
    return "\n".join(lines).encode()


def test_five_thousand_units_import_in_a_fixed_number_of_statements(client, login_as, ctx):
    """Preview then save of 5,000 rows through the web: every row stored, no query per row."""
    from tests.voting.test_web_progress import counted_statements

    body = make_body(constituencies=[("owners", 1, None, False)], holders=False)
    login_as(make_convener(body))
    with counted_statements() as statements:
        preview = client.post(
            f"/b/{body.slug}/owners/import",
            data={"sheet": (io.BytesIO(big_sheet()), "big.csv")},
            content_type="multipart/form-data",
        )
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200, page[-500:]
        rows = html.unescape(page.split('name="rows" type="hidden" value="')[1].split('"')[0])
        saved = client.post(f"/b/{body.slug}/owners/import/save", data={"rows": rows})
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == UNITS
    # 4 units of one buyer, 200 of the developer: 5000 - 3 - 199 owners
    assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == UNITS - 3 - 199
    # Bulk statements (an INSERT of many rows counts once): far fewer than one per row.
    if db.engine.dialect.name == "postgresql":
        assert len(statements) < STATEMENT_CEILING, len(statements)
