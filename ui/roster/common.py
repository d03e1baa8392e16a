"""Roster pieces shared by the roster pages: labels, import aliases, row errors, reveal."""

from __future__ import annotations

from services.roster import SKILLS, TEAM_KINDS, UNIT_KINDS
from ui.core.i18n import LANGUAGES, translate
from ui.core.markdown import md

ALIAS_PREFIXES = {"skill": ("roster.skill", SKILLS), "team_kind": ("roster.kind", TEAM_KINDS),
                  "unit_kind": ("roster.unit_kind", UNIT_KINDS)}


def import_aliases() -> dict[str, dict[str, str]]:
    """What people write in files for skills and kinds, in both languages -> the code."""
    out: dict[str, dict[str, str]] = {}
    for name, (prefix, codes) in ALIAS_PREFIXES.items():
        out[name] = {translate(lang, f"{prefix}.{code}").lower(): code
                     for lang in LANGUAGES for code in codes}
    return out


def md_escape(text: str) -> str:
    """User text inside a markdown message (st.success, st.error): shown as typed."""
    return md(text)