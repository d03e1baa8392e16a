"""One alert, live: who it reached, who acknowledged, who was mobilised, sightings on a map."""

import streamlit as st

from services import alerts
from services.core import clock
from services.core.actor import Perm
from services.core.errors import ServiceError
from ui.alerts.actions import respond, supervise
from ui.alerts.map import sightings_deck
from ui.core import nav
from ui.core.bridge import db_session
from ui.core.i18n import label, t
from ui.core.markdown import md
from ui.core.places import place
from ui.core.widgets import show_error
from ui.leads.photos import show_photos
from ui.shell import guard

actor = guard.require(Perm.VIEW_ALERTS)
raw = st.query_params.get("id") or st.session_state.get("alert_id")
try:
    alert_id = int(raw)  # type: ignore[arg-type]
except (TypeError, ValueError):
    st.info(t("alerts.pick_hint"))
    st.page_link(nav.page_path("pages/alerts.py"), label=t("page.alerts"))
    st.stop()
st.session_state["alert_id"] = alert_id


def _load() -> alerts.AlertDetail:
    try:
        with db_session() as s:
            return alerts.get_alert(s, actor=guard.live_actor(), alert_id=alert_id)
    except ServiceError as exc:
        show_error(exc)
        st.stop()
    raise AssertionError  # unreachable: st.stop() raises


detail = _load()
a = detail.alert
st.page_link(nav.page_path("pages/alerts.py"), label=t("alerts.back"), icon=":material/arrow_back:")
st.title(t("alerts.alert_title", id=a.id, title=md(a.title)))
flash = st.session_state.pop("alert_flash", None)
if flash:
    st.success(flash)
status = label("alerts.status", a.status)
if a.status == "closed":
    st.success(t("alerts.closed_line", outcome=label("alerts.outcome", a.outcome),
                 caught=a.suspects_caught, mobilised=a.mobilised, at=clock.local(a.closed_at)))
    st.text(a.outcome_note)  # user text: plain, never markdown
elif a.status == "superseded" and detail.newer:
    st.warning(t("alerts.superseded_line"))
    st.page_link(nav.page_path("pages/alert.py"), label=t("alerts.open_version", id=detail.newer),
                 query_params={"id": str(detail.newer)})
else:
    st.info(t("alerts.status_line", status=status, until=clock.local(a.valid_to)))
for older in detail.older[:1]:
    st.page_link(nav.page_path("pages/alert.py"), label=t("alerts.amends", id=older),
                 query_params={"id": str(older)}, icon=":material/history:")

left, right = st.columns([3, 2])
with left:
    facts = {
        t("alerts.f_origin_region"): a.origin_region,
        t("alerts.f_case_ref"): a.case_ref,
        t("alerts.area"): t("roster.name_sep").join(place(a) for a in detail.area),
        t("alerts.f_roles"): "、".join(label("alerts.role", r) for r in a.target.roles),
        t("alerts.f_team_kinds"): "、".join(label("alerts.kind", k) for k in a.target.team_kinds)
        or t("alerts.any"),
        t("alerts.f_skills"): "、".join(label("alerts.skill", k) for k in a.target.skills)
        or t("alerts.any"),
        t("alerts.valid"): f"{clock.local(a.valid_from)} – {clock.local(a.valid_to)}",
        t("alerts.col_published"): clock.local(a.published_at),
    }
    st.table({t("alerts.field"): [md(k) for k in facts],
              t("alerts.value"): [md(v) for v in facts.values()]})
    st.subheader(t("alerts.f_subject"))
    st.text(a.subject)
with right:
    show_photos(actor, a.photo_ids, alerts.read_photo)


@st.fragment(run_every="5s")
def live() -> None:
    """Only the figures and the map refresh; the forms below keep what is being typed."""
    d = _load()
    c = d.counts
    cols = st.columns(5)
    cols[0].metric(t("alerts.recipients"), c.recipients)
    cols[1].metric(t("alerts.acknowledged"), c.acknowledged)
    cols[2].metric(t("alerts.reached"), f"{c.reached} / {c.recipients}")
    cols[3].metric(t("alerts.mobilised"), c.mobilised if d.alert.status != "closed"
                   else d.alert.mobilised)
    cols[4].metric(t("alerts.sightings"), c.sightings)
    if d.by_community:
        st.dataframe({t("alerts.col_community"): [place(r[0]) for r in d.by_community],
                      t("alerts.recipients"): [r[1] for r in d.by_community],
                      t("alerts.reached"): [r[2] for r in d.by_community],
                      t("alerts.mobilised"): [r[3] for r in d.by_community]},
                     hide_index=True, key="alert_by_community")
    st.pydeck_chart(sightings_deck(d.boundaries, d.sightings, t("alerts.lead_word")),
                    height=320, key="alert_map")
    for sight in d.sightings:
        st.page_link(nav.page_path("pages/lead.py"), query_params={"id": str(sight.lead_id)},
                     label=t("alerts.sighting_row", id=sight.lead_id,
                             at=clock.local(sight.created_at),
                             status=label("leads.status", sight.status)))


if a.status != "draft":
    live()
respond(actor, detail)
supervise(actor, detail)
