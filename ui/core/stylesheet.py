"""Style sheets of our own, kept as files in ui/core/css: the only text st.html gets unescaped."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

FOLDER = Path(__file__).resolve().parent / "css"


@cache
def _css(name: str) -> str:
    known = {p.stem for p in FOLDER.glob("*.css")}
    if name not in known:
        raise ValueError(f"no style sheet {name!r} in {FOLDER}")
    return (FOLDER / f"{name}.css").read_text(encoding="utf-8")


def apply(name: str) -> None:
    """Add ui/core/css/<name>.css to the page; takes no room."""
    st.html(f"<style>{_css(name)}</style>")
