"""The version of a record that the user saw: the one drawn by the run their click came from."""

from __future__ import annotations

import streamlit as st


def seen_version(kind: str, record_id: int, current: int) -> int:
    """Call once per run where the record's form is drawn; returns the version drawn in the
    previous run (what the user looked at when they clicked) and remembers this one. An
    edit then carries it, so a change saved meanwhile by someone else is a Conflict naming
    them, not a silent overwrite."""
    key = seen_key(kind, record_id)
    seen = st.session_state.get(key, current)
    st.session_state[key] = current
    return int(seen)


def seen_key(kind: str, record_id: int) -> str:
    """Drop this key after a save, so that the next run draws the saved version afresh."""
    return f"_seen_{kind}_{record_id}"
