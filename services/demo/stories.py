"""The report's stories: the Shuanglin assist-investigation alert and the assistance files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from db.models import Alert, AlertRecipient
from services.demo import dates, geo
from services.demo.leads import CATEGORIES, URGENCIES, Leads
from services.demo.world import World
from services.demo.writer import Writer

ORIGIN = "浙江省青溪市公安局"  # an invented out-of-province city bureau
TITLE = "关于协查两名电信诈骗犯罪嫌疑人的通报"
SUBJECT = ("犯罪嫌疑人张某（男，约35岁，身高约1.70米，四川口音）、"
           "李某（男，约28岁，身材偏瘦，常戴黑色鸭舌帽），涉嫌电信网络诈骗，"
           "经研判可能藏匿于大渡口区八桥镇双林社区一带出租屋内。")
OUTCOME = ("社区民警带领30余名平安志愿者分片走访排查出租屋，锁定落脚点，配合专案组将两名犯罪嫌疑人"
           "全部抓获。")
SIGHTINGS = (
    (35, "协查线索：{a}一出租屋近期住进两名外地男子，白天很少出门，与通报体貌特征相似。"),
    (46, "协查线索：{a}便利店店主反映，一名戴黑色鸭舌帽的年轻男子连续几晚来买大量方便食品。"),
    (54, "协查线索：{a}楼下发现两名男子拖着行李箱准备离开，其中一人与通报照片高度相似。"),
)  # hours after publication, description
RECIPIENT_MEMBERS = 35
ACKNOWLEDGED = 33
MOBILISED_MEMBERS = 31  # plus the officer: 32 mobilised


@dataclass
class AlertPlan:
    alert_id: int
    published: int  # epoch seconds
    caught: int
    sightings: Leads


def alert_window(world: World) -> int:
    """Publication time: mid-October this year, or last year if that is not well past."""
    year = world.cal.today.year
    if date(year, 10, 14) + timedelta(days=30) > world.cal.today:
        year -= 1
    return dates.day_epoch(date(year, 10, 14)) + 9 * 3_600 + 1_800


def write_alert(w: Writer, world: World) -> AlertPlan:
    published = alert_window(world)
    caught = published + 56 * 3_600
    alert_id = w.ids(Alert, 1)[0]
    w.insert(Alert, [{
        "id": alert_id, "origin_region": ORIGIN,
        "case_ref": f"浙青公（刑）协字〔{dates.utc(published).year}〕117号", "title": TITLE,
        "subject": SUBJECT, "target": {"community_ids": [world.community_ids[world.shuanglin]]},
        "valid_from": dates.utc(published), "valid_to": dates.utc(published + 5 * 86_400),
        "status": "closed", "outcome": "caught", "outcome_note": OUTCOME, "suspects_caught": 2,
        "mobilised": MOBILISED_MEMBERS + 1, "created_by": world.logins["commander"],
        "created_at": dates.utc(published - 1_800), "published_at": dates.utc(published),
        "closed_at": dates.utc(caught + 18 * 3_600)}])
    _recipients(w, world, alert_id, published)
    return AlertPlan(alert_id, published, caught, _sightings(world, alert_id, published))


def _recipients(w: Writer, world: World, alert_id: int, published: int) -> None:
    """The officer and 35 members of Shuanglin and its neighbours; most acknowledged quickly."""
    rng = world.rngs.py("alert")
    m = world.members
    near = _neighbours(world)
    ranked = sorted((i for i in range(len(m.ids)) if m.active[i] and m.community[i] in near),
                    key=lambda i: (m.community[i] != world.shuanglin, near.index(m.community[i]),
                                   m.kind[i] not in ("volunteer", "activist", "response_unit"), i))
    chosen = ranked[:RECIPIENT_MEMBERS]
    officer = world.community_officer[world.shuanglin]
    rows = [{"alert_id": alert_id, "user_id": world.officer_user_ids[officer],
             "officer_id": world.officer_ids[officer], "member_id": None,
             "community_id": world.community_ids[world.shuanglin], "team_id": None,
             "relay_user_id": None,
             "acknowledged_at": dates.utc(published + 120), "mobilised": True}]
    for n, i in enumerate(chosen):
        acked = n < ACKNOWLEDGED
        user = world.logins["grid"] if i == world.grid_login_member else None
        c = m.community[i]
        # as publishing does: where, which team, and who relays to those without an account
        relay = None if user else world.officer_user_ids[world.community_officer[c]]
        rows.append({"alert_id": alert_id, "user_id": user, "officer_id": None,
                     "member_id": m.ids[i], "community_id": world.community_ids[c],
                     "team_id": world.team_ids[(c, m.kind[i])], "relay_user_id": relay,
                     "mobilised": n < MOBILISED_MEMBERS,
                     "acknowledged_at": dates.utc(published + rng.randint(180, 5_400))
                     if acked else None})
    w.insert(AlertRecipient, rows)


def _neighbours(world: World) -> list[int]:
    """Shuanglin first, then the communities that touch it, nearest first."""
    comms = world.layout.communities
    home = comms[world.shuanglin].poly
    touching = [c for c in range(len(comms))
                if c != world.shuanglin and comms[c].poly.distance(home) < 1e-6]
    touching.sort(key=lambda c: comms[c].poly.centroid.distance(home.centroid))
    return [world.shuanglin, *touching]


def _sightings(world: World, alert_id: int, published: int) -> Leads:
    rng = world.rngs.np("sightings")
    grids = world.grids_of(world.shuanglin)
    n = len(SIGHTINGS)
    grid = np.array([grids[k % len(grids)] for k in range(n)])
    pts = np.vstack([geo.sample_in(world.grid_polys[g], 1, rng, world.grid_hotspots[g])
                     for g in grid.tolist()])
    m = world.members
    reporters = [i for i in range(len(m.ids)) if m.active[i] and m.community[i] == world.shuanglin
                 and m.kind[i] in ("volunteer", "activist")]
    address = rng.integers(0, 16, n)
    leads = Leads(
        created=np.array([published + h * 3_600 + int(rng.integers(0, 900)) for h, _ in SIGHTINGS]),
        grid=grid, lon=pts[:, 0], lat=pts[:, 1],
        category=np.full(n, CATEGORIES.index("suspicious"), dtype=np.int8),
        urgency=np.full(n, URGENCIES.index("urgent"), dtype=np.int8),
        level=np.ones(n, dtype=np.int64), reporter=np.array(reporters[:n], dtype=np.int64),
        address=address, alert_id=np.full(n, alert_id, dtype=np.int64))
    leads.texts = {k: text for k, (_, text) in enumerate(SIGHTINGS)}
    return leads
