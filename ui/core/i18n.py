"""Translation catalogues (Chinese default, English one click away) and the `t()` lookup."""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("zh", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All keys of one language, merged from one JSON file per feature area."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"duplicate translation key {key} in {path.name}")
            merged[key] = value
    return merged


def translate(lang: str, key: str, **params: Any) -> str:
    """The text for `key`; a missing key shows itself so that it is noticed, never crashes."""
    texts = catalogue(lang if lang in LANGUAGES else "zh")
    if params.get("n") == 1 and f"{key}.one" in texts:  # the singular, where a language has one
        key = f"{key}.one"
    text = texts.get(key)
    if text is None:
        return key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


def lang() -> str:
    value = st.session_state.get("lang", "zh")
    return value if value in LANGUAGES else "zh"


def t(key: str, **params: Any) -> str:
    return translate(lang(), key, **params)


def choose(options: Collection[object], *, none_means_all: bool = False) -> str:
    """A multiselect's placeholder in the user's language (Streamlit's own is English):
    "all" on a filter where choosing nothing means everything."""
    if not options:
        return t("widget.nothing_to_choose")
    return t("widget.choose_all" if none_means_all else "widget.choose")


def label(prefix: str, code: str | None) -> str:
    """The UI name of a code value, e.g. label("lead.status", "dispatched")."""
    if code is None:
        return ""
    key = f"{prefix}.{code}"
    return translate(lang(), key) if key in catalogue(lang()) else code
