"""The one escaping helper for text that a Streamlit call renders as Markdown."""

from __future__ import annotations

# Every character Markdown (CommonMark, GFM tables, Streamlit's :icons: and $math$) gives a
# meaning to: escaped, a link, an image or a heading in user text shows as typed.
_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:=&\"'")


def md(value: object) -> str:
    """`value` as text that a Markdown renderer shows exactly as typed (numbers unchanged)."""
    text = "" if value is None else str(value)
    return "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in text)
