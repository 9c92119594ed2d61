"""The ``flask tally`` and ``flask apportion`` commands: the count and the seat suggestion.

Both are plain click commands that need no application context; the factory registers them.
Bad input never shows a traceback: it prints one line on stderr naming the problem and exits 2.
"""

from __future__ import annotations

import json
import os
import re
from typing import NoReturn

import click

from app.counting.apportion import Quota
from app.counting.apportion import apportion as suggest_seats
from app.counting.owners import tally_owners_case
from app.counting.tally import LOCALES, TallyInputError, parse_fraction, tally_case

BAD_INPUT = 2
_QUOTA = re.compile(r"(?P<id>[^=]+)=(?P<share>[^:]+)(?P<minimum>:min)?")


@click.command("tally")
@click.argument("case_path", metavar="CASE.json")
def tally(case_path: str) -> None:
    """Count the motion in CASE.json (or - for stdin) and print the result as JSON.

    A case holding ``units`` is an owners' decision counted by Civil Code art. 278.

    The explanation is in Chinese, or in English with LIANXI_LOCALE=en.
    """
    try:
        locale = _locale()
        data = _load_json(_read(case_path))
        # A case holding units is an owners' decision (业主共同决定); otherwise a seated count.
        is_owners = isinstance(data, dict) and "units" in data
        result = (tally_owners_case if is_owners else tally_case)(data, locale)
    except ValueError as exc:
        _fail(str(exc))
    text = json.dumps(result.to_json(), ensure_ascii=False)
    # Bytes, so that the Chinese sentence prints whatever encoding the terminal claims.
    click.echo(text.encode("utf-8"))


@click.command("apportion")
@click.option("--seats", required=True, metavar="N", help="How many seats the body has.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
@click.argument("quotas", nargs=-1, required=True, metavar="ID=SHARE[:min]...")
def apportion(seats: str, as_json: bool, quotas: tuple[str, ...]) -> None:
    """Suggest whole seats from quotas by largest remainder, minimums (:min) first.

    Example: flask apportion --seats 23 merchant=2/5:min residents=7/20 officials=1/4
    """
    try:
        suggested = suggest_seats(_seat_count(seats), [_parse_quota(text) for text in quotas])
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(suggested, ensure_ascii=False).encode("utf-8"))
    else:
        for cid, n in suggested.items():
            click.echo(f"{cid} {n}".encode())


def _fail(message: str) -> NoReturn:
    """Print one line on stderr and exit with the bad-input status."""
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    raise SystemExit(BAD_INPUT)


def _locale() -> str:
    """The language of the explanation, from LIANXI_LOCALE (zh unless it says en)."""
    value = os.environ.get("LIANXI_LOCALE") or "zh"
    language = re.split(r"[-_.]", value.strip().lower())[0]
    if language not in LOCALES:
        raise ValueError(f"LIANXI_LOCALE must be zh or en, got {value!r}")
    return language


def _read(path: str) -> bytes:
    """The bytes of the case file, or of stdin for "-"."""
    try:
        with click.open_file(path, "rb") as file:  # "-" is stdin
            return file.read()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


def _load_json(raw: bytes) -> object:
    """Parse UTF-8 JSON (a BOM allowed), each problem as one ValueError line."""
    try:
        return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise ValueError("the case is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("malformed JSON: nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"malformed JSON: {exc}") from None


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object of the JSON, refused when a key appears twice."""
    # json.loads would silently keep the last of two equal keys: a guessed count.
    found = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"key {key!r} appears twice in one object")
        found[key] = value
    return found


def _seat_count(text: str) -> int:
    """The --seats value as a whole number."""
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise ValueError(f"--seats must be a whole number, got {text!r}")
    return int(text)


def _parse_quota(text: str) -> Quota:
    """One ID=SHARE[:min] argument as a quota."""
    match = _QUOTA.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not ID=SHARE or ID=SHARE:min (e.g. merchant=2/5:min)")
    try:
        share = parse_fraction(match["share"])
    except TallyInputError as exc:
        raise ValueError(f"share of {match['id']!r}: {exc}") from None
    return Quota(match["id"], share, minimum=bool(match["minimum"]))
