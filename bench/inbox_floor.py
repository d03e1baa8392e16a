"""The floor of one inbox rerun: a bare Streamlit script (no sign-in check, no menu, no
sidebar, no live watch) that reads the same page of leads with plain SQL on the driver's own
connection and draws it as a table under the same count, so Pingan's rerun can be printed as
a ratio to what Streamlit and the database themselves need, measured in the same run."""

from __future__ import annotations


def inbox_floor(url: str, officer_id: int | None, user_id: int | None) -> None:
    """The script AppTest runs (its source is all it keeps: imports are inside). The
    commander's view when `officer_id` is None, else the officer's own leads."""
    import re
    from datetime import UTC, datetime
    from typing import Any

    import pandas as pd
    import streamlit as st
    from sqlalchemy import create_engine

    @st.cache_resource
    def connection(url: str) -> Any:
        return create_engine(url).raw_connection()

    raw = connection(url)
    pg = url.startswith("postgresql")
    now = datetime.now(UTC)
    status = "status IN ('new','dispatched','accepted','in_progress','escalated','returned'," \
             "'needs_info')"
    where = status + ("" if officer_id is None else
                      " AND (assigned_officer_id = :officer OR assigned_user_id = :user)")
    due = ("CASE WHEN l.status IN ('new','dispatched','returned','escalated') "
           "THEN l.accept_due_at ELSE l.resolve_due_at END")
    count = f"SELECT count(*) FROM (SELECT id FROM lead WHERE {where} LIMIT 10001) AS s"
    rows = f"""SELECT l.id, l.created_at, l.category, l.urgency, l.status, c.name,
      coalesce(o.name, u.display_name, ''), l.accept_due_at, l.resolve_due_at,
      (l.resolve_due_at < :now OR (l.status IN ('new','dispatched','returned','escalated')
       AND l.accept_due_at < :now))
    FROM lead l JOIN community c ON c.id = l.community_id
    LEFT JOIN officer o ON o.id = l.assigned_officer_id
    LEFT JOIN app_user u ON u.id = l.assigned_user_id
    WHERE {where.replace("status", "l.status").replace("assigned_", "l.assigned_")}
    ORDER BY {due} IS NULL, {due}, l.id LIMIT 50"""
    params = {"officer": officer_id, "user": user_id,
              "now": now if pg else now.strftime("%Y-%m-%d %H:%M:%S.%f")}
    if pg:
        count, rows = (re.sub(r":(\w+)", r"%(\1)s", s) for s in (count, rows))
    cur = raw.cursor()
    cur.execute(count, params)
    total = cur.fetchone()[0]
    cur.execute(rows, params)
    frame = pd.DataFrame(cur.fetchall(), columns=[
        "id", "created", "category", "urgency", "status", "community", "assignee",
        "accept due", "resolve due", "overdue"])
    cur.close()
    raw.rollback()
    st.title("inbox")
    st.dataframe(frame, hide_index=True)
    st.caption(f"{total} open")
