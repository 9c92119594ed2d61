"""The unit registry (房屋台账) as a spreadsheet: reading CSV/XLSX, checking every row, export.

No Flask and no database. The property company's sheet has one row per unit with the columns
of :data:`COLUMNS` (the header row names them; their order is free). Rules:

* a unit is 楼栋-单元-房号; the code is unique in the compound (and in the file);
* its area is a positive decimal of m² with at most 2 places, and says where it comes from
  (登记 / 实测 / 合同, 登记 when empty);
* every unit has an owner's name, unless it is still held by the developer (开发商持有 = 是);
* units with the same 业主编号 belong to one buyer and count as one owner; all developer-held
  units count as one owner; otherwise each unit is its own owner (co-owners listed in 共有人
  are that owner, and each may vote with their own link, the first ballot counting).

Nothing is saved while any row has a problem, and every row's problems are listed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from app.models.statuses import AreaSource

DEVELOPER_KEY = "developer"
COLUMNS = (
    "楼栋",
    "单元",
    "房号",
    "面积",
    "面积来源",
    "业主",
    "电话",
    "共有人",
    "共有人电话",
    "业主编号",
    "开发商持有",
)
REQUIRED = ("楼栋", "房号", "面积")
SOURCES = {"登记": AreaSource.REGISTER, "实测": AreaSource.SURVEY, "合同": AreaSource.CONTRACT}
SOURCE_WORDS = {value: word for word, value in SOURCES.items()}
YES_WORDS = {"是", "y", "yes", "1", "true", "开发商"}
MAX_AREA = Decimal("99999999.99")
_AREA = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)


class SheetError(ValueError):
    """The file cannot be read as a registry at all (wrong format, no header); one line."""


@dataclass
class Row:
    """One row of the sheet, normalised, with the problems found in it (keys for labels)."""

    line: int
    building: str
    entrance: str
    number: str
    area_text: str
    source_text: str
    owner_name: str
    phone: str
    co_owners: str
    co_phones: str
    owner_key_text: str
    developer: bool
    problems: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        """楼栋-单元-房号, or 楼栋-房号 when the building has no entrances."""
        parts = (
            [self.building, self.entrance, self.number]
            if self.entrance
            else [
                self.building,
                self.number,
            ]
        )
        return "-".join(parts)

    @property
    def area(self) -> Decimal | None:
        """The area as an exact Decimal, or None when it is not a valid one."""
        return parse_area(self.area_text)

    @property
    def source(self) -> AreaSource | None:
        """Where the area comes from (登记 when the cell is empty), or None when unknown."""
        return SOURCES.get(self.source_text or "登记")

    @property
    def owner_key(self) -> str:
        """The counting owner's key: the developer's, the buyer's number, else the unit's own."""
        if self.developer:
            return DEVELOPER_KEY
        if self.owner_key_text:
            return f"no:{self.owner_key_text}"
        return f"unit:{self.code}"

    def to_json(self) -> list[str]:
        """The row's cells in :data:`COLUMNS` order, to carry from the preview to the save."""
        return [
            self.building,
            self.entrance,
            self.number,
            self.area_text,
            self.source_text,
            self.owner_name,
            self.phone,
            self.co_owners,
            self.co_phones,
            self.owner_key_text,
            "是" if self.developer else "",
        ]


def parse_area(text: str) -> Decimal | None:
    """A positive plain decimal with at most two places ("89.47"); None for anything else."""
    text = (text or "").strip()
    if not _AREA.fullmatch(text):
        return None
    value = Decimal(text)
    return value if 0 < value <= MAX_AREA else None


def read_sheet(filename: str, data: bytes) -> list[list[str]]:
    """Read a CSV (UTF-8 or GBK, as Chinese Excel saves it) or XLSX file into rows of text."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return [list(row) for row in csv.reader(io.StringIO(text))]
        raise SheetError("encoding")
    raise SheetError("format")


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only needed when a workbook is uploaded

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
        raise SheetError("damaged") from None
    sheet = book.worksheets[0]
    rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 89.47 as a binary float: its shortest text is the typed decimal.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def check_rows(table: list[list[str]], existing_codes: frozenset[str] = frozenset()) -> list[Row]:
    """Turn the sheet's rows into :class:`Row`s, each with every problem found in it.

    The first non-empty row is the header. Empty rows are skipped (they are not units); every
    other row comes back, so no row is silently dropped. Raises SheetError without a header.
    """
    rows = [row for row in table if any((cell or "").strip() for cell in row)]
    if not rows:
        raise SheetError("empty")
    header = [(cell or "").strip() for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise SheetError("header")
    where = {name: header.index(name) for name in COLUMNS if name in header}
    seen: dict[str, int] = {}
    checked = []
    for line, cells in enumerate(rows[1:], start=2):

        def cell(name: str, cells=cells) -> str:
            index = where.get(name)
            return (cells[index] or "").strip() if index is not None and index < len(cells) else ""

        row = Row(
            line=line,
            building=cell("楼栋"),
            entrance=cell("单元"),
            number=cell("房号"),
            area_text=cell("面积"),
            source_text=cell("面积来源"),
            owner_name=cell("业主"),
            phone=cell("电话"),
            co_owners=cell("共有人"),
            co_phones=cell("共有人电话"),
            owner_key_text=cell("业主编号"),
            developer=cell("开发商持有").lower() in YES_WORDS,
        )
        _check(row, seen, existing_codes)
        checked.append(row)
    return checked


def _check(row: Row, seen: dict[str, int], existing: frozenset[str]) -> None:
    if not row.building or not row.number:
        row.problems.append("no_unit")
    elif row.code in seen:
        row.problems.append("duplicate")
    elif row.code in existing:
        row.problems.append("exists")
    else:
        seen[row.code] = row.line
    if row.area is None:
        row.problems.append("bad_area")
    if row.source is None:
        row.problems.append("bad_source")
    if not row.developer and not row.owner_name:
        row.problems.append("no_owner")
    for phone in (row.phone, *row.co_phones.split("/")):
        if phone and not _phone_ok(phone):
            row.problems.append("bad_phone")
            break
    if len(row.code) > 40 or len(row.owner_name) > 120:
        row.problems.append("too_long")


def _phone_ok(phone: str) -> bool:
    digits = phone.replace("-", "").replace(" ", "")
    return digits.isdigit() and 7 <= len(digits) <= 20


def co_owner_pairs(row: Row) -> list[tuple[str, str]]:
    """The co-owners of a row as (name, phone) pairs, from "张三/李四" and "139…/138…"."""
    names = [n.strip() for n in row.co_owners.split("/") if n.strip()]
    phones = [p.strip() for p in row.co_phones.split("/")]
    return [(name, phones[i] if i < len(phones) else "") for i, name in enumerate(names)]


def rows_from_json(text: str) -> list[list[str]]:
    """The rows the preview carried to the save, as a table with its header.

    Raises SheetError unless the text is a JSON list of rows of at most len(COLUMNS) strings.
    """
    try:
        rows = json.loads(text)
    except ValueError:
        raise SheetError("damaged") from None
    if not isinstance(rows, list) or not all(
        isinstance(row, list)
        and len(row) <= len(COLUMNS)
        and all(isinstance(cell, str) for cell in row)
        for row in rows
    ):
        raise SheetError("damaged")
    return [list(COLUMNS), *rows]


def export_csv(rows: list[list[str]]) -> bytes:
    """The registry as CSV (UTF-8 with a BOM, so Excel opens the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(rows: list[list[str]]) -> bytes:
    """The registry as an XLSX workbook with the same columns as the import."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("房屋台账")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
