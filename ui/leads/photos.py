"""Photos on a page: each one that can be shown; a line for one that cannot, never a stop."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import streamlit as st

from services.core.actor import Actor
from services.core.errors import ServiceError
from services.leads.photos import MAX_BYTES, can_show
from ui.core.bridge import db_session
from ui.core.i18n import t

Reader = Callable[..., tuple[bytes, str]]
UPLOAD_MB = MAX_BYTES // (1024 * 1024)


@st.cache_data(max_entries=1000, show_spinner=False)
def _showable(digest: str, _data: bytes) -> bool:
    """Keyed by the photo's SHA-256 (the same answer for every user): decoded once."""
    del digest
    return can_show(_data)


def show_photos(actor: Actor, photo_ids: Sequence[int], read: Reader) -> None:
    """Every photo the actor may see; a missing or broken one is said, and the page goes on."""
    for photo_id in photo_ids:
        try:
            with db_session() as s:
                data, _mime = read(s, actor=actor, photo_id=photo_id)
        except ServiceError:
            st.caption(t("hardening.photo_unavailable", n=photo_id))
            continue
        if not _showable(hashlib.sha256(data).hexdigest(), data):
            st.caption(t("hardening.photo_unavailable", n=photo_id))
            continue
        st.image(data, width="stretch")



def photos_saved(n: int) -> str:
    """After a report: how many photos went with it, so that one left out is noticed."""
    return t("hardening.photos_saved", n=n) if n else t("hardening.no_photos_saved")

