"""The worker's last sweep on the administration pages, with a warning when it is too old."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import worker
from services.core import clock
from services.core.actor import Actor
from ui.core.bridge import db_session
from ui.core.i18n import label, t


def render(actor: Actor) -> None:
    st.subheader(t("worker.title"))
    st.caption(t("worker.help", every=int(worker.EVERY_S), stale=int(worker.STALE.seconds / 60)))
    with db_session() as s:
        state = worker.status(s, actor=actor)
    last = state.last
    if last is None or last.at is None:
        st.warning(t("worker.never"))
        return
    minutes = int(state.age.total_seconds() // 60) if state.age else 0
    if state.stale:
        st.warning(t("worker.stale", at=clock.local(last.at), minutes=minutes))
    else:
        st.success(t("worker.ok", at=clock.local(last.at),
                     seconds=int(state.age.total_seconds()) if state.age else 0))
    st.text(t("worker.detail", holder=last.holder, seconds=f"{last.seconds:.2f}"))
    if last.error:
        st.error(t("worker.failed", jobs=", ".join(label("worker.job", j)
                                                   for j in last.error.split(","))))
    frame = pd.DataFrame({t("worker.col_job"): [label("worker.job", k) for k in last.counts],
                          t("worker.col_count"): list(last.counts.values())})
    st.dataframe(frame, hide_index=True, key="worker_counts")
