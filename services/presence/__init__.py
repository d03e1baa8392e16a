"""Officers' time in the community (驻社区时间): check in/out, weekly entries, hours a week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from db.models import Community, Officer, Presence
from services.core import audit, clock
from services.core.actor import Actor, Perm, Role, require
from services.core.errors import Invalid, NotFound
from services.core.scope import check_community, community_filter
from services.core.text import clean_text

TARGET_HOURS = 40.0
MAX_SPAN = timedelta(hours=16)  # longer than a long shift: a forgotten check-out
WEEK_HOURS = 168.0
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Status:
    officer_id: int
    presence_id: int | None  # the open check-in, if any
    community_id: int | None
    since: datetime | None


@dataclass(frozen=True)
class Entry:
    id: int
    community_id: int
    source: str
    started_at: datetime
    ended_at: datetime | None
    hours: float
    reason: str


def week_start(day: date) -> date:
    """The Monday of the Asia/Shanghai week holding `day` (services.core.clock.week_start)."""
    return clock.week_start(day)


def split_by_day(start: datetime, end: datetime) -> dict[date, float]:
    """Hours of [start, end) on each Asia/Shanghai calendar day it touches."""
    out: dict[date, float] = {}
    day = clock.local_today(start)
    while clock.day_start(day) < end:
        lo = max(start, clock.day_start(day))
        hi = min(end, clock.day_start(day + DAY))
        if hi > lo:
            out[day] = out.get(day, 0.0) + (hi - lo).total_seconds() / 3600
        day += DAY
    return out


def _officer_id(actor: Actor, officer_id: int | None) -> int:
    """Officers log their own time; an admin may log it for a named officer."""
    if actor.role == Role.OFFICER or officer_id is None:
        if actor.officer_id is None:
            raise Invalid(key="presence.not_an_officer")
        return actor.officer_id
    return officer_id


def status(session: Session, *, actor: Actor) -> Status:
    """Whether the signed-in officer is checked in now, where and since when."""
    require(actor, Perm.LOG_PRESENCE)
    oid = _officer_id(actor, None)
    row = session.execute(
        select(Presence.id, Presence.community_id, Presence.started_at)
        .where(Presence.officer_id == oid, Presence.source == "checkin",
               Presence.ended_at.is_(None)).order_by(Presence.started_at.desc()).limit(1)
    ).first()
    if row is None:
        return Status(oid, None, None, None)
    return Status(oid, int(row[0]), int(row[1]), row[2])


def community_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Where the officer can check in: their own communities first, then the rest in scope."""
    require(actor, Perm.LOG_PRESENCE)
    rows = session.execute(
        select(Community.id, Community.name, Community.officer_id)
        .where(community_filter(actor, Community.id)).order_by(Community.name)
    ).all()
    mine = [(int(r[0]), r[1]) for r in rows if r[2] is not None and r[2] == actor.officer_id]
    return mine + [(int(r[0]), r[1]) for r in rows if (int(r[0]), r[1]) not in mine]


def check_in(session: Session, *, actor: Actor, community_id: int,
             now: datetime | None = None) -> Status:
    """Start a span of time at the community office; one open span at a time."""
    require(actor, Perm.LOG_PRESENCE)
    now = now or clock.now()
    oid = _officer_id(actor, None)
    check_community(actor, community_id)
    if session.get(Community, community_id) is None:
        raise NotFound()
    if status(session, actor=actor).presence_id is not None:
        raise Invalid(key="presence.already_in")
    row = Presence(officer_id=oid, community_id=community_id, started_at=now, source="checkin")
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="presence.check_in", entity="presence",
                 entity_id=row.id, after={"officer_id": oid, "community_id": community_id,
                                          "started_at": now})
    return Status(oid, row.id, community_id, now)


def check_out(session: Session, *, actor: Actor, now: datetime | None = None,
              left_at: datetime | None = None) -> float:
    """End the open span at `left_at` (default now); returns its hours.

    A span over 16 hours is a forgotten check-out: the officer must say when they left.
    """
    require(actor, Perm.LOG_PRESENCE)
    now = now or clock.now()
    current = status(session, actor=actor)
    if current.presence_id is None or current.since is None:
        raise Invalid(key="presence.not_in")
    end = left_at or now
    if end <= current.since or end > now:
        raise Invalid({"left_at": "presence.bad_left_at"})
    if end - current.since > MAX_SPAN:
        raise Invalid({"left_at": "presence.too_long"}, hours=int(MAX_SPAN.total_seconds() // 3600))
    done = session.execute(update(Presence).where(Presence.id == current.presence_id,
                                                  Presence.ended_at.is_(None))
                           .values(ended_at=end))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Invalid(key="presence.not_in")  # checked out meanwhile, e.g. in another tab
    hours = (end - current.since).total_seconds() / 3600
    audit.record(session, actor=actor, action="presence.check_out", entity="presence",
                 entity_id=current.presence_id, after={"ended_at": end, "hours": round(hours, 2)})
    return hours


def enter_week(session: Session, *, actor: Actor, week_of: date, hours: float, reason: str,
               community_id: int | None = None, officer_id: int | None = None,
               now: datetime | None = None) -> int:
    """Set the hours of one week not captured by check-ins (one entry a week, with a reason)."""
    require(actor, Perm.LOG_PRESENCE)
    now = now or clock.now()
    oid = _officer_id(actor, officer_id)
    monday = week_start(week_of)
    errors: dict[str, str] = {}
    if monday > clock.local_today(now):
        errors["week"] = "presence.future_week"
    if not 0 < float(hours) <= WEEK_HOURS:
        errors["hours"] = "presence.bad_hours"
    try:
        why = clean_text(reason, field="reason", max_len=200)
    except Invalid as exc:
        errors.update(exc.fields)
        why = ""
    if errors:
        raise Invalid(errors)
    cid = community_id or _home_community(session, actor, oid)
    check_community(actor, cid)
    return _save_week(session, actor, oid, cid, monday, float(hours), why, now)


def _home_community(session: Session, actor: Actor, officer_id: int) -> int:
    cid = session.scalar(select(Community.id).where(Community.officer_id == officer_id,
                                                    community_filter(actor, Community.id))
                         .order_by(Community.id).limit(1))
    if cid is None:
        raise Invalid({"community": "presence.pick_community"})
    return int(cid)


def _save_week(session: Session, actor: Actor, oid: int, cid: int, monday: date, hours: float,
               reason: str, now: datetime) -> int:
    start, end = clock.day_start(monday), clock.day_start(monday + 7 * DAY)
    checked = sum(_logged(session, [oid], start, end)[0].get(oid, {}).values())
    if checked + hours > WEEK_HOURS:
        raise Invalid({"hours": "presence.week_over"}, have=round(checked, 1))
    row = session.scalar(select(Presence).where(Presence.officer_id == oid,
                                                Presence.source == "manual",
                                                Presence.started_at == start))
    before = {"hours": row.hours, "reason": row.reason} if row else None
    if row is None:
        row = Presence(officer_id=oid, community_id=cid, started_at=start, source="manual")
        session.add(row)
    row.hours, row.reason, row.community_id = hours, reason, cid
    session.flush()
    audit.record(session, actor=actor, action="presence.week", entity="presence",
                 entity_id=row.id, before=before,
                 after={"officer_id": oid, "week": monday, "hours": hours, "reason": reason})
    return row.id


Hours = dict[int, dict[date, float]]


def _logged(session: Session, officer_ids: list[int], start: datetime, end: datetime
            ) -> tuple[Hours, Hours]:
    """Per officer, inside [start, end): check-in hours by local day (spans cut at midnight
    and at the range's ends) and weekly-entry hours by Monday. Open check-ins do not count."""
    rows = session.execute(
        select(Presence.officer_id, Presence.source, Presence.started_at, Presence.ended_at,
               Presence.hours)
        .where(Presence.officer_id.in_(officer_ids), Presence.started_at < end,
               or_(Presence.ended_at > start,
                   and_(Presence.source == "manual", Presence.started_at >= start)))
    ).all()
    spans: Hours = defaultdict(lambda: defaultdict(float))
    manual: Hours = defaultdict(lambda: defaultdict(float))
    for oid, source, began, ended, hours in rows:
        if source == "manual" or ended is None:
            manual[oid][week_start(clock.local_today(began))] += float(hours or 0.0)
            continue
        for day, h in split_by_day(max(began, start), min(ended, end)).items():
            spans[oid][day] += h
    return spans, manual


def _officers(session: Session, actor: Actor) -> list[tuple[int, str, str]]:
    """An officer sees their own hours; supervisors and admins the officers of their scope."""
    query = select(Officer.id, Officer.name, Officer.badge_no).where(Officer.active.is_(True))
    if actor.role == Role.OFFICER:
        query = query.where(Officer.id == (actor.officer_id or -1))
    else:
        query = query.where(Officer.id.in_(select(Community.officer_id).where(
            Community.officer_id.is_not(None), community_filter(actor, Community.id))))
    return [(int(i), n, b) for i, n, b in session.execute(query.order_by(Officer.badge_no))]


def weekly_hours(session: Session, *, actor: Actor, last_week: date | None = None,
                 weeks: int = 4, today: date | None = None) -> pd.DataFrame:
    """Hours per officer and Asia/Shanghai week (Monday first) for `weeks` weeks up to the one
    holding `last_week`: check-ins cut at week boundaries plus the week's entry. `so_far`
    marks the week that is not over yet (holding today): it never counts in an average."""
    require(actor, Perm.VIEW_PRESENCE)
    weeks = max(1, min(int(weeks), 27))
    today = today or clock.local_today()
    last = week_start(last_week or today)
    mondays = [last - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    people = _officers(session, actor)
    spans, manual = _logged(session, [p[0] for p in people], clock.day_start(mondays[0]),
                            clock.day_start(last + 7 * DAY))
    rows = []
    for oid, name, badge in people:
        by_week: dict[date, float] = defaultdict(float)
        for day, h in spans.get(oid, {}).items():
            by_week[week_start(day)] += h
        for monday in mondays:
            checked, entered = by_week.get(monday, 0.0), manual.get(oid, {}).get(monday, 0.0)
            rows.append((oid, name, badge, monday, round(checked, 2), round(entered, 2),
                         round(checked + entered, 2)))
    frame = pd.DataFrame(rows, columns=["officer_id", "name", "badge_no", "week",
                                        "checkin_hours", "manual_hours", "hours"])
    frame["so_far"] = frame["week"].map(lambda monday: monday + 7 * DAY > today)
    frame["below_target"] = (frame["hours"] < TARGET_HOURS) & ~frame["so_far"]
    return frame


def weekly_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per officer, one column per whole week (its Monday), the average of the whole
    weeks and whether it is below the 40-hour target; the week not over yet, if shown, in a
    column of its own ("so_far") that the average leaves out, as the statistics do."""
    if frame.empty:
        return pd.DataFrame(columns=["name", "badge_no", "average", "below_target"])
    index = ["officer_id", "name", "badge_no"]
    whole = frame[~frame["so_far"]] if "so_far" in frame else frame
    people = frame[index].drop_duplicates().set_index(index)
    wide = people.join(whole.pivot_table(index=index, columns="week", values="hours",
                                         aggfunc="sum").round(1)) if not whole.empty else people
    wide.columns = [c.isoformat() for c in wide.columns]
    wide["average"] = wide.mean(axis=1).round(1) if len(wide.columns) else float("nan")
    wide["below_target"] = wide["average"] < TARGET_HOURS  # no whole week yet: not below
    if "so_far" in frame and frame["so_far"].any():
        current = frame[frame["so_far"]].groupby(index)["hours"].sum().round(1)
        wide["so_far"] = current
    return wide.reset_index().drop(columns="officer_id").sort_values("badge_no")


@dataclass(frozen=True)
class Week:
    monday: date
    days: tuple[tuple[date, float], ...]  # Monday to Sunday, check-in hours
    manual_hours: float
    manual_reason: str
    entries: tuple[Entry, ...]

    @property
    def total(self) -> float:
        return round(sum(h for _, h in self.days) + self.manual_hours, 2)


def week_detail(session: Session, *, actor: Actor, week_of: date | None = None) -> Week:
    """The signed-in officer's week: hours per day, the weekly entry and every row."""
    require(actor, Perm.LOG_PRESENCE)
    oid = _officer_id(actor, None)
    monday = week_start(week_of or clock.local_today())
    start, end = clock.day_start(monday), clock.day_start(monday + 7 * DAY)
    spans, manual = _logged(session, [oid], start, end)
    rows = session.scalars(select(Presence).where(
        Presence.officer_id == oid, Presence.started_at < end,
        or_(Presence.ended_at > start, Presence.ended_at.is_(None)),
        Presence.started_at >= start - MAX_SPAN).order_by(Presence.started_at)).all()
    entries = tuple(Entry(r.id, r.community_id, r.source, r.started_at, r.ended_at,
                          round(_row_hours(r), 2), r.reason) for r in rows)
    reason = next((e.reason for e in entries if e.source == "manual"), "")
    days = tuple((monday + k * DAY, round(spans.get(oid, {}).get(monday + k * DAY, 0.0), 2))
                 for k in range(7))
    return Week(monday, days, round(manual.get(oid, {}).get(monday, 0.0), 2), reason, entries)


def _row_hours(row: Presence) -> float:
    if row.source == "manual":
        return float(row.hours or 0.0)
    if row.ended_at is None:
        return 0.0
    return (row.ended_at - row.started_at).total_seconds() / 3600
