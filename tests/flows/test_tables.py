"""The one table reader (flows/browse/tables.py) and the gate (flows/browse/gate.py), without a
browser: columns by header or by what cells hold, rows that do not fit, counts that do not add
up, and a reading that is not certain is never clicked on."""

from __future__ import annotations

import re

import pytest

from automation.errors import PageChanged
from flows.browse.gate import Reading, require_certain
from flows.browse.look import Cell, Control, RawRow, RawTable
from flows.browse.page import TableRead
from flows.browse.tables import Column, Placed, next_control, place

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID = re.compile(r"^\d{4}-\d{4}-\d{4}$")


def cell(text: str, *controls: str) -> Cell:
    return Cell(text, " ".join([text, *controls]).strip(), [Control(c, c) for c in controls])


def row(*cells: Cell, header: bool = False, text: str | None = None) -> RawRow:
    shown = text or " ".join(c.full for c in cells)
    return RawRow(mark="r", text=shown, header=header, cells=list(cells))


def table(*rows: RawRow, pager: str | None = None) -> RawTable:
    return RawTable(mark="t", rows=list(rows), pager=pager, next=None)


COLUMNS = (
    Column("id", re.compile("^ID$"), lambda c: bool(ID.match(c.text))),
    Column(
        "name",
        re.compile("^Name$"),
        lambda c: bool(c.text) and not ID.match(c.text) and not DATE.match(c.text),
    ),
    Column(
        "granted",
        re.compile("^Granted$"),
        lambda c: bool(DATE.match(c.text)),
        order=lambda c: c.text,
        earlier_than="expires",
    ),
    Column(
        "expires",
        re.compile("^Expires$"),
        lambda c: bool(DATE.match(c.text)),
        required=False,
        order=lambda c: c.text,
    ),
)

DATA = [
    row(cell("5259-6479-4073"), cell("shippinno"), cell("2026-01-10"), cell("2027-01-10")),
    row(cell("1111-2222-3333"), cell("other"), cell("2025-05-01"), cell("2026-12-30")),
]


def test_columns_by_header() -> None:
    """A header row names the columns, whatever their order."""
    header = row(cell("Name"), cell("ID"), cell("Expires"), cell("Granted"), header=True)
    body = row(cell("shippinno"), cell("5259-6479-4073"), cell("2027-01-10"), cell("2026-01-10"))
    placed = place(table(header, body), COLUMNS)
    assert placed.problems == [] and placed.headed
    assert placed.rows[0].text("id") == "5259-6479-4073"
    assert placed.rows[0].text("expires") == "2027-01-10"


def test_columns_without_a_header_by_what_cells_hold() -> None:
    """No header row: the ID, the name, and the two dates told apart (granted comes first)."""
    placed = place(table(*DATA), COLUMNS)
    assert placed.problems == [] and not placed.headed
    assert [r.text("id") for r in placed.rows] == ["5259-6479-4073", "1111-2222-3333"]
    assert [r.text("granted") for r in placed.rows] == ["2026-01-10", "2025-05-01"]
    assert [r.text("expires") for r in placed.rows] == ["2027-01-10", "2026-12-30"]


def test_dates_that_cannot_be_told_apart_are_uncertain() -> None:
    """Two date columns with no order between them: which is the expiry is not guessed."""
    mixed = row(cell("2222-3333-4444"), cell("x"), cell("2028-01-01"), cell("2027-01-01"))
    placed = place(table(*DATA, mixed), COLUMNS)
    assert any("granted" in p for p in placed.problems)


def test_a_row_that_does_not_fit_makes_the_reading_uncertain() -> None:
    """A row with a cell missing is never read as nothing."""
    short = row(cell("9999-8888-7777"), cell("lost"))
    placed = place(table(*DATA, short), COLUMNS)
    assert any("does not fit" in p for p in placed.problems)


def test_notes_and_rows_left_out() -> None:
    """A note row stands for no rows; the seller's own row is left out and counted."""
    own = row(cell("9291-9582-2537"), cell("(Seller)"), cell("2020-01-01"), cell(""))
    note = row(cell("No items"))
    placed = place(
        table(*DATA, own, note),
        COLUMNS,
        skip=lambda r: "(Seller)" in r.text,
        note=re.compile("No items"),
    )
    assert (len(placed.rows), placed.left_out, placed.notes) == (2, 1, 1)


@pytest.mark.parametrize(
    ("total", "rows", "left_out", "certain"),
    [(2, 2, 0, True), (3, 2, 1, True), (2, 2, 1, True), (3, 2, 0, False), (10, 5, 0, False)],
)
def test_a_count_that_does_not_add_up(total: int, rows: int, left_out: int, certain: bool) -> None:
    """The pager's count must be the rows read, with or without the seller's own."""
    read = TableRead(total=total)
    read.add(Placed(rows=[None] * rows, left_out=left_out))  # type: ignore[list-item]
    read.check_count("the table")
    assert (read.problems == []) is certain


def test_page_numbers_are_followed_in_order() -> None:
    """Without 次へ, the lowest page number not yet seen is the next page."""
    raw = RawTable("t", [], "1 2 3", None, pages=[Control("3", "c3"), Control("2", "c2")])
    assert next_control(raw, {1}) == (Control("2", "c2"), 2)
    assert next_control(raw, {1, 2, 3}) is None


def test_the_gate_refuses_an_uncertain_reading() -> None:
    """Missed rows, no target, or two targets: page_changed saying why, before any click."""
    require_certain(Reading("the screen", "developer 1"), "http://x")
    for reading, said in [
        (Reading("the screen", "developer 1", problems=("a row does not fit",)), "does not fit"),
        (Reading("the screen", "developer 1", matches=0), "does not show developer 1"),
        (Reading("the screen", "developer 1", matches=2), "2 times"),
    ]:
        with pytest.raises(PageChanged, match=said):
            require_certain(reading, "http://x")
