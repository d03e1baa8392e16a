"""Count the SQL statements a piece of work sends (SQLAlchemy events), for the tests that
keep the lead path from growing a statement unnoticed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Statements(list[str]):
    """The statements sent, transaction control (BEGIN, COMMIT...) left out."""

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {s.splitlines()[0][:160]}" for i, s in enumerate(self))


@contextmanager
def counting(target: type[Engine] | Engine = Engine) -> Iterator[Statements]:
    """Every statement any engine (or `target`) sends while the block runs; an executemany
    counts once, as the database sees one statement with many rows."""
    seen = Statements()

    def _seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            seen.append(statement.strip())

    event.listen(target, "before_cursor_execute", _seen)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", _seen)
