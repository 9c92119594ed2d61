"""The unit registry (房屋台账): import from CSV and XLSX with a full preview, and export."""

import html
import io

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.extensions import db
from app.models import Owner, OwnerContact, Unit
from app.owners.registry import COLUMNS, check_rows, parse_area, read_sheet
from tests.factories import make_body, make_convener

HEADER = ",".join(COLUMNS)
GOOD = "\n".join(
    [
        HEADER,
        "1,1,101,89.47,登记,张三,13900000001,李四,13900000002,,",
        "1,1,102,120,实测,王五,13900000003,,,W5,",
        "1,2,101,76.5,,王五,13900000003,,,W5,",
        "2,1,101,76.50,合同,,,,,,是",
    ]
)


def compound():
    """A compound and its convener."""
    body = make_body(constituencies=[("owners", 1, None, False)], holders=False)
    return body, make_convener(body)


def test_area_is_a_positive_decimal_with_two_places():
    """89.47 and 120 are areas; 0, -1, 1.234, abc, NaN and 1e3 are not."""
    assert str(parse_area("89.47")) == "89.47" and str(parse_area(" 120 ")) == "120"
    for bad in ("0", "-1", "1.234", "abc", "NaN", "Infinity", "", "1e3", "0.00", "1,000"):
        assert parse_area(bad) is None, bad


def test_every_problem_of_every_row_is_listed():
    """Duplicate unit, bad area, missing owner, bad source and phone: each row says all of it."""
    table = read_sheet(
        "t.csv",
        "\n".join(
            [
                HEADER,
                "1,1,101,89.47,登记,张三,139,,,,",
                "1,1,101,abc,估算,,,,,,",
                ",,,,,,,,,,",
                "2,1,101,0,,,,,,,是",
            ]
        ).encode(),
    )
    rows = check_rows(table, frozenset({"2-1-101"}))
    assert [row.line for row in rows] == [2, 3, 4]
    assert rows[0].problems == ["bad_phone"]
    assert rows[1].problems == ["duplicate", "bad_area", "bad_source", "no_owner"]
    assert rows[2].problems == ["exists", "bad_area"]


def test_csv_import_previews_then_saves(client, login_as, ctx):
    """Upload shows every row (nothing saved), saving adds units, owners, contacts."""
    body, convener = compound()
    login_as(convener)
    preview = client.post(
        f"/b/{body.slug}/owners/import",
        data={"sheet": (io.BytesIO(GOOD.encode("gb18030")), "台账.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "4 行全部无误" in page
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0
    rows = page.split('name="rows" type="hidden" value="')[1].split('"')[0]

    saved = client.post(f"/b/{body.slug}/owners/import/save", data={"rows": html.unescape(rows)})
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 4
    owners = {o.key: o for o in db.session.scalars(sa.select(Owner))}
    assert set(owners) == {"unit:1-1-101", "no:W5", "developer"}
    assert len(owners["no:W5"].units) == 2 and owners["developer"].kind == "developer"
    names = db.session.scalars(sa.select(OwnerContact.name).order_by(OwnerContact.id)).all()
    assert names == ["张三", "李四", "王五"]


def test_import_with_problems_saves_nothing_and_says_so(client, login_as, ctx):
    """A sheet with a bad row answers 422, lists the row's problem, offers no save button."""
    body, convener = compound()
    login_as(convener)
    bad = GOOD + "\n1,1,101,-5,,赵六,,,,,"
    answer = client.post(
        f"/b/{body.slug}/owners/import",
        data={"sheet": (io.BytesIO(bad.encode()), "t.csv")},
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "1 行有问题" in page and "房屋重复" in page and "面积不对" in page
    assert "确认保存到台账" not in page
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0


def test_xlsx_import_and_export_round_trip(client, login_as, ctx):
    """An XLSX sheet imports; the export (CSV and XLSX) gives back the same rows."""
    body, convener = compound()
    login_as(convener)
    book = Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        cells = line.split(",")
        sheet.append(
            [float(c) if i == 3 and c and c[0].isdigit() else c for i, c in enumerate(cells)]
        )
    data = io.BytesIO()
    book.save(data)
    table = read_sheet("t.xlsx", data.getvalue())
    rows = check_rows(table)
    assert [r.problems for r in rows] == [[], [], [], []]
    assert [str(r.area) for r in rows] == ["89.47", "120", "76.5", "76.5"]
    from app.owners.ballots import save_registry

    save_registry(db.session, body.id, rows)
    db.session.commit()
    csv_text = client.get(f"/b/{body.slug}/owners/export.csv").get_data().decode("utf-8-sig")
    assert "1,1,101,89.47,登记,张三,13900000001,李四,13900000002,," in csv_text
    assert "2,1,101,76.50,合同,,,,,,是" in csv_text
    exported = client.get(f"/b/{body.slug}/owners/export.xlsx").get_data()
    again = [
        list(r) for r in load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True)
    ]
    assert tuple(again[0]) == COLUMNS and len(again) == 5


def test_registry_refused_to_others_and_phones_private(client, login_as, ctx):
    """Only the committee sees the registry (with phones); a member of nothing gets 403."""
    from tests.factories import make_user

    body, _ = compound()
    login_as(make_user("路人"))
    assert client.get(f"/b/{body.slug}/owners").status_code == 403
    assert client.get(f"/b/{body.slug}/owners/export.csv").status_code == 403


def test_registry_pages_through_units(client, login_as, ctx):
    """The registry shows 100 units a page, with the page number; the second page has the rest."""
    from tests.owners.helpers import make_compound

    rows = [(f"1-{n:03d}", "80", f"o{n}", f"业主{n}") for n in range(130)]
    body, convener, _ = make_compound(rows)
    login_as(convener)
    first = client.get(f"/b/{body.slug}/owners").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "1-099" in first and "1-100" not in first
    second = client.get(f"/b/{body.slug}/owners?page=2").get_data(as_text=True)
    assert "1-129" in second and "1-099" not in second


def test_tampered_rows_on_save_are_refused(client, login_as, ctx):
    """Rows that are not the preview's (not JSON, wrong shapes, a bad area) save nothing."""
    body, convener = compound()
    login_as(convener)
    url = f"/b/{body.slug}/owners/import/save"
    for rows in ("not json", "{}", "[[1, 2]]", "[5]", '[["' + '", "'.join("x" * 12) + '"]]'):
        assert client.post(url, data={"rows": rows}).status_code == 400, rows
    for rows in ('[["1"]]', '[["1", "1", "101", "-3", "", "张三", "", "", "", "", ""]]'):
        assert client.post(url, data={"rows": rows}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0
