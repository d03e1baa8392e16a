"""The board's rows are tinted by the time left to accept; the tint's name never reaches the
page (a hidden column still did: the language scan found 'amber' on the board)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.board import BoardRow
from ui.board import view as board_view

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def _row(lead_id: int, minutes_left: float) -> BoardRow:
    start = NOW - timedelta(minutes=10 - minutes_left)  # ten minutes to accept in all
    return BoardRow(lead_id, 1, start, "fire", "urgent", "dispatched", "community", "双林社区",
                    "新山村派出所", "石勇", start, NOW + timedelta(minutes=minutes_left))


def test_rows_are_tinted_by_time_left_and_the_tint_is_not_a_column() -> None:
    frame = board_view.waiting_frame((_row(1, 9), _row(2, 4), _row(3, 1)), NOW)
    cells = {str(v) for v in frame.to_numpy().ravel()} | set(map(str, frame.columns))
    assert not cells & {"amber", "red"}
    styles = board_view.coloured(frame)._compute().ctx  # (row, column) -> css
    colour = {r: "".join(f"{k}:{v}" for k, v in css) for (r, _), css in styles.items()}
    assert board_view.AMBER not in colour.get(0, "") and board_view.RED not in colour.get(0, "")
    assert board_view.AMBER in colour[1] and board_view.RED in colour[2]
