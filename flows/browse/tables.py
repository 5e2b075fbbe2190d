"""Reading a table as a person does, whatever its shape (docs/pages.md "The markup is not
known"): the one table reader of the permissions screen and Manage Your Apps.

A table's columns are told by its header row when it has one (`th` cells, ARIA column headers,
or a `td` row naming the columns), else by what the cells hold (a developer ID, a date, action
words). Every row must fit the columns: a row that does not, or a column whose content fits no
known column, makes the reading *uncertain* (`Placed.problems`), and an uncertain reading is
never acted on (`flows/browse/gate.py`). A reading that missed something is never a reading
that found nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flows.browse.look import Cell, Control, RawRow, RawTable

Holds = Callable[[Cell], bool]
"""Whether a data cell could belong to a column (for tables without a header row)."""


@dataclass(frozen=True)
class Column:
    """One column a table may have: its key, its header wordings, what its cells hold.

    `order` and `earlier_than` tell two date columns apart without headers: the column whose
    values (`order(cell)`) are earlier in every row is the one with `earlier_than` set to the
    other's key (a date granted comes before the expiry)."""

    key: str
    header: re.Pattern[str]
    holds: Holds
    required: bool = True
    order: Callable[[Cell], Any] | None = None
    earlier_than: str | None = None
    anchor: Holds | None = None
    """A cell only this column can hold (our app's whole name): where two text columns fit
    the same places, the one holding it is this column."""


@dataclass(frozen=True)
class Row:
    """A data row whose cells were placed in columns (`cells[key]`)."""

    raw: RawRow
    cells: Mapping[str, Cell]

    def text(self, key: str) -> str:
        """The cell's text without its controls; "" for a column the table does not have."""
        cell = self.cells.get(key)
        return cell.text if cell is not None else ""

    def full(self, key: str) -> str:
        """The cell's whole visible text; "" for a column the table does not have."""
        cell = self.cells.get(key)
        return cell.full if cell is not None else ""

    @property
    def controls(self) -> list[Control]:
        """Every visible control of the row, in order."""
        return [c for cell in self.raw.cells for c in cell.controls]


@dataclass
class Placed:
    """One page of one table, read: its rows, the rows left out on purpose, and what could
    not be read (empty when the reading is certain)."""

    rows: list[Row] = field(default_factory=list)
    left_out: int = 0
    """Rows `skip` left out (the seller's own row): shown, and counted by some pagers."""
    notes: int = 0
    """Note rows (`表示する項目はありません`), which are no rows of the table."""
    problems: list[str] = field(default_factory=list)
    headed: bool = False


def _header_row(raw: RawTable, columns: Sequence[Column]) -> int | None:
    """The index of the header row: `th`/column-header cells naming a column, or a row of which
    at least two cells name columns (a `td` header row); None for a table without one."""
    for i, row in enumerate(raw.rows):
        hits = sum(1 for c in row.cells if any(col.header.match(c.text) for col in columns))
        if hits >= 2 or (row.header and hits >= 1):
            return i
    return None


def _by_header(header: RawRow, columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    for col in columns:
        at = [i for i, c in enumerate(header.cells) if col.header.match(c.text)]
        if at:
            found[col.key] = at[0]
    missing = [c.key for c in columns if c.required and c.key not in found]
    return found, [f"the table has no {key} column" for key in missing]


def _by_content(
    rows: list[RawRow], width: int, columns: Sequence[Column]
) -> tuple[dict[str, int], list[str]]:
    """Columns told by what every row's cell holds; problems for what stays unclear."""
    fits = {
        i: {c.key for c in columns if all(c.holds(r.cells[i]) for r in rows)} for i in range(width)
    }
    by_key = {c.key: c for c in columns}
    found: dict[str, int] = {}
    # Required columns first: an optional one (an expiry a table may lack) never takes the
    # only place a required one can be.
    ordered = [c for c in columns if c.required] + [c for c in columns if not c.required]
    changed = True
    while changed:
        changed = False
        taken = set(found.values())
        for i, keys in fits.items():
            left = keys - set(found)
            if i not in taken and len(left) == 1:
                found[left.pop()] = i
                changed = True
                break
        if changed:
            continue
        for col in ordered:
            spots = [i for i, keys in fits.items() if col.key in keys and i not in taken]
            if col.key not in found and len(spots) == 1:
                found[col.key] = spots[0]
                changed = True
                break
        if not changed:
            changed = _by_order(rows, fits, found, by_key)
        if not changed:
            changed = _by_anchor(rows, fits, found, ordered)
    problems = [
        f"cannot tell which column holds the {c.key}"
        for c in columns
        if c.required and c.key not in found
    ]
    for i in range(width):
        if i not in found.values() and any(r.cells[i].full for r in rows):
            problems.append(f"column {i + 1} holds values the bot does not understand")
    return found, problems


def _by_anchor(
    rows: list[RawRow], fits: dict[int, set[str]], found: dict[str, int], columns: list[Column]
) -> bool:
    """A column with an anchor goes where a row holds it, when that is one place only."""
    for col in columns:
        if col.key in found or col.anchor is None:
            continue
        spots = [
            i
            for i, keys in fits.items()
            if col.key in keys
            and i not in found.values()
            and any(col.anchor(r.cells[i]) for r in rows)
        ]
        if len(spots) == 1:
            found[col.key] = spots[0]
            return True
    return False


def _by_order(
    rows: list[RawRow],
    fits: dict[int, set[str]],
    found: dict[str, int],
    by_key: dict[str, Column],
) -> bool:
    """Two date columns both fit two positions: the earlier values are the `earlier_than`
    column's. True when it placed them."""
    free = [i for i in fits if i not in found.values()]
    for col in by_key.values():
        later = by_key.get(col.earlier_than or "")
        if col.key in found or later is None or later.key in found or col.order is None:
            continue
        spots = [i for i in free if {col.key, later.key} <= fits[i]]
        if len(spots) != 2:
            continue
        a, b = spots
        pairs = [
            (col.order(r.cells[a]), col.order(r.cells[b]))
            for r in rows
            if col.order(r.cells[a]) is not None and col.order(r.cells[b]) is not None
        ]
        if pairs and all(x < y for x, y in pairs):
            found[col.key], found[later.key] = a, b
            return True
        if pairs and all(x > y for x, y in pairs):
            found[col.key], found[later.key] = b, a
            return True
    return False


def place(
    raw: RawTable,
    columns: Sequence[Column],
    *,
    skip: Callable[[RawRow], bool] = lambda row: False,
    note: re.Pattern[str] | None = None,
) -> Placed:
    """Read one page of a table: its columns by header or content, every row placed.

    `skip` leaves rows out on purpose (the seller's own row), `note` recognises a note row
    standing for no rows. Returns the rows and, in `problems`, everything that keeps the
    reading from being certain: a missing column, a row that does not fit, a column whose
    values fit no known column. Pure: tested without a browser."""
    placed = Placed()
    header_at = _header_row(raw, columns)
    placed.headed = header_at is not None
    body: list[RawRow] = []
    for i, row in enumerate(raw.rows):
        if header_at is not None and i <= header_at:
            continue
        if row.header:
            continue
        if note is not None and note.search(row.text) and len(row.cells) <= 1:
            placed.notes += 1
        elif skip(row):
            placed.left_out += 1
        else:
            body.append(row)
    if header_at is not None:
        width = len(raw.rows[header_at].cells)
        where, problems = _by_header(raw.rows[header_at], columns)
    else:
        counts = Counter(len(r.cells) for r in body)
        width = counts.most_common(1)[0][0] if counts else 0
        fitting = [r for r in body if len(r.cells) == width]
        where, problems = _by_content(fitting, width, columns) if fitting else ({}, [])
    placed.problems.extend(problems)
    for row in body:
        if len(row.cells) != width:
            placed.problems.append(f"a row does not fit the table's columns: {row.text[:80]!r}")
            continue
        placed.rows.append(Row(raw=row, cells={k: row.cells[i] for k, i in where.items()}))
    return placed


def next_control(raw: RawTable, visited: set[int]) -> tuple[Control, int | None] | None:
    """The control that shows the table's next page: `次へ` / `Next`, else the lowest page
    number not visited yet (`1 2 次へ ›`); with the page number it leads to, when it says."""
    if raw.next is not None:
        return raw.next, None
    numbered = sorted(
        (int(c.name.strip("›»<>‹« ")), c) for c in raw.pages if c.name.strip("›»<>‹« ").isdigit()
    )
    for number, control in numbered:
        if number not in visited:
            return control, number
    return None
