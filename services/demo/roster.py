"""The "10" and the "N": self-governing teams, their members, and social units."""

from __future__ import annotations

import random

from db.models import Member, Membership, SocialUnit, Team
from services.demo import dates, texts
from services.demo.names import person_name
from services.demo.world import World
from services.demo.writer import Writer

# kind: (Chinese label, min_size, share of communities, share of villages, ages, male share)
KINDS: dict[str, tuple[str, int, float, float, tuple[int, int], float]] = {
    "grid_worker": ("网格员队伍", 0, 1.0, 1.0, (24, 55), 0.35),
    "response_unit": ("最小处置单元", 3, 1.0, 1.0, (25, 55), 0.8),
    "security_committee": ("治保委员会", 2, 1.0, 1.0, (35, 68), 0.6),
    "volunteer": ("平安志愿服务队", 2, 1.0, 1.0, (18, 72), 0.45),
    "activist": ("治安积极分子队", 2, 1.0, 1.0, (40, 75), 0.55),
    "mediator": ("人民调解队", 1, 1.0, 1.0, (40, 70), 0.5),
    "community_worker": ("社区工作者队伍", 1, 1.0, 0.0, (23, 50), 0.3),
    "party_member": ("党员先锋队", 1, 0.7, 0.5, (30, 75), 0.6),
    "patrol": ("义务巡逻队", 2, 0.5, 0.0, (35, 68), 0.75),
    "property": ("物业安保队", 1, 0.6, 0.0, (25, 58), 0.8),
}
SHORT_TEAMS = 15  # teams deliberately left below their minimum, so the roster shows gaps
GAP_GRIDS = 6  # grids left without any active member
INACTIVE = 80


def write_roster(w: Writer, world: World) -> int:
    """Teams and members, then social units; returns how many social units."""
    rng = world.rngs.py("roster")
    plan = _team_plan(world, rng)
    team_ids = w.ids(Team, len(plan))
    gaps = _gap_grids(world, rng)
    rows: list[dict] = []
    leaders: list[tuple[int, int]] = []
    for t, (c, kind, size) in enumerate(plan):
        world.team_ids[(c, kind)] = team_ids[t]
        first = len(rows)
        rows.extend(_members(world, rng, c, kind, size, team_ids[t], gaps))
        leaders.append((team_ids[t], first))
    rows.extend(_inactive(world, rng, plan, team_ids, gaps))
    ids = w.ids(Member, len(rows))
    memberships = []
    for r, i in zip(rows, ids, strict=True):
        r["id"] = i
        memberships.append({"member_id": i, "team_id": r.pop("team_id"),
                            "created_at": r["created_at"]})
        m = world.members
        m.ids.append(i)
        m.community.append(r.pop("_community"))
        m.grid.append(r.pop("_grid"))
        m.kind.append(r.pop("_kind"))
        m.active.append(r["active"])
        m.name.append(r["name"])
        m.phone.append(r["phone"])
    memberships += _second_teams(world, rows, ids, plan, team_ids)
    w.insert(Team, [
        {"id": team_ids[t], "community_id": world.community_ids[c], "kind": kind,
         "name": world.layout.communities[c].name + KINDS[kind][0],
         "min_size": _min_size(world, c, kind)} for t, (c, kind, _) in enumerate(plan)])
    w.insert(Member, rows)
    w.insert(Membership, memberships)
    w.update(Team, "leader_member_id", [(t, ids[first]) for t, first in leaders])
    return _social_units(w, world)


def _second_teams(world: World, rows: list[dict], ids: list[int],
                  plan: list[tuple[int, str, int]], team_ids: list[int]) -> list[dict]:
    """One person, several teams, as in a real community: in each, the first active member
    of the security committee (治保) also serves in the mediation team (调解)."""
    mediators = {c: team_ids[t] for t, (c, kind, _) in enumerate(plan) if kind == "mediator"}
    out, seen = [], set()
    for r, i, c, kind in zip(rows, ids, world.members.community[-len(rows):],
                             world.members.kind[-len(rows):], strict=True):
        if kind == "security_committee" and r["active"] and c in mediators and c not in seen:
            seen.add(c)
            out.append({"member_id": i, "team_id": mediators[c], "created_at": r["created_at"]})
    return out


def _min_size(world: World, c: int, kind: str) -> int:
    return len(world.layout.communities[c].grids) if kind == "grid_worker" else KINDS[kind][1]


def _team_plan(world: World, rng: random.Random) -> list[tuple[int, str, int]]:
    """(community, kind, active members) for every team; a few teams fall short."""
    plan = []
    for c, spec in enumerate(world.layout.communities):
        for kind, (_, _, share_c, share_v, _, _) in KINDS.items():
            share = share_c if spec.kind == "community" else share_v
            if c != world.shuanglin and rng.random() >= share:
                continue
            size = _min_size(world, c, kind) + (rng.random() < 0.25 and kind != "grid_worker")
            if c == world.shuanglin and kind in {"response_unit", "volunteer", "activist"}:
                size += 3
            plan.append((c, kind, size))
    protected = {t for t, (c, _, _) in enumerate(plan) if c == world.shuanglin}
    short = rng.sample([t for t in range(len(plan)) if t not in protected
                        and _min_size(world, plan[t][0], plan[t][1]) >= 2], SHORT_TEAMS)
    for t in short:
        c, kind, _ = plan[t]
        below = min(_min_size(world, c, kind), 3) - rng.choice((1, 2))
        plan[t] = (c, kind, max(1, below))
    return plan


def _gap_grids(world: World, rng: random.Random) -> set[int]:
    """A few grids (in communities of three or more grids, not Shuanglin) with nobody active."""
    pool = [g for g, c in enumerate(world.grid_community)
            if c != world.shuanglin and len(world.layout.communities[c].grids) >= 3]
    return set(rng.sample(pool, GAP_GRIDS))


def _members(world: World, rng: random.Random, c: int, kind: str, size: int, team_id: int,
             gaps: set[int]) -> list[dict]:
    grids = [g for g in world.grids_of(c) if g not in gaps]
    if kind == "grid_worker":  # one per grid, in grid order; vacancies where the team is short
        chosen = grids[:size]
    else:
        chosen = [rng.choice(grids) for _ in range(size)]
    return [_person(world, rng, c, kind, g, team_id, active=True) for g in chosen]


def _inactive(world: World, rng: random.Random, plan: list[tuple[int, str, int]],
              team_ids: list[int], gaps: set[int]) -> list[dict]:
    """Members who left: they stay on file (and on the leads they reported), inactive."""
    out = []
    for t in rng.sample(range(len(plan)), INACTIVE):
        c, kind, _ = plan[t]
        grid = rng.choice(world.grids_of(c))
        out.append(_person(world, rng, c, kind, grid, team_ids[t], active=False))
    return out


def _person(world: World, rng: random.Random, c: int, kind: str, grid: int, team_id: int,
            active: bool) -> dict:
    _, _, _, _, (lo, hi), male_share = KINDS[kind]
    male = rng.random() < male_share
    skills = texts.skills_for(kind, rng)
    cal = world.cal
    days_before = rng.randint(30, 700) if active else rng.randint(400, 900)
    joined = dates.day_epoch(cal.first) - days_before * 86_400 + rng.randint(28_800, 64_800)
    return {
        "name": person_name(rng, male), "phone": world.phones.next(),
        "id_number": world.id_numbers.next(male, lo, hi), "team_id": team_id,
        "grid_id": world.grid_ids[grid], "skills": skills,
        "availability": texts.availability("night_shift" in skills, rng),
        "active": active, "created_at": dates.utc(joined),
        "_community": c, "_grid": grid, "_kind": kind,
    }


def _social_units(w: Writer, world: World) -> int:
    rng = world.rngs.py("social_units")
    rows = []
    for c, spec in enumerate(world.layout.communities):
        n = rng.choice((2, 3, 3)) if spec.kind == "community" else rng.choice((1, 2))
        for kind in texts.unit_kinds(spec.kind, n, rng):
            rows.append({
                "community_id": world.community_ids[c], "kind": kind,
                "name": texts.unit_name(kind, spec, rng),
                "contact_name": person_name(rng, rng.random() < 0.6),
                "contact_phone": world.phones.next(),
                "services": texts.unit_services(kind, rng), "active": rng.random() > 0.03})
    rows += _article_units(world, rows)
    ids = w.ids(SocialUnit, len(rows))
    by_id = {cid: k for k, cid in enumerate(world.community_ids)}
    for r, i in zip(rows, ids, strict=True):
        if r["active"]:
            world.units.setdefault(by_id[int(str(r["community_id"]))], []).append(
                (i, str(r["kind"]), str(r["name"])))
    return w.insert(SocialUnit, [{**r, "id": i} for r, i in zip(rows, ids,
                                                                           strict=True)])


def grid_workers(world: World, c: int) -> list[int]:
    """Member indexes of the active grid workers of community c."""
    m = world.members
    return [i for i in range(len(m.ids))
            if m.community[i] == c and m.kind[i] == "grid_worker" and m.active[i]]


BANK_SERVICES = ["反诈宣传", "可疑交易提醒", "安防监控共享"]


def _article_units(world: World, rows: list[dict]) -> list[dict]:
    """The report's "N": bank branches in a quarter of the urban communities, and in Shuanglin
    a bank branch, a property company and a school, whatever else was drawn."""
    rng = world.rngs.py("article_units")
    out = []
    for c, spec in enumerate(world.layout.communities):
        have = {r["kind"] for r in rows if r["community_id"] == world.community_ids[c]}
        wanted = []
        if c == world.shuanglin:
            wanted = ["bank"] + [k for k in ("property", "school") if k not in have]
        elif spec.kind == "community" and c % 4 == 0:
            wanted = ["bank"]
        for kind in wanted:
            word = spec.name.removesuffix("社区").removesuffix("村")
            bank = kind == "bank"
            out.append({
                "community_id": world.community_ids[c], "kind": "company" if bank else kind,
                "name": f"重庆农村商业银行{word}支行" if bank else texts.unit_name(kind, spec, rng),
                "contact_name": person_name(rng, rng.random() < 0.5),
                "contact_phone": world.phones.next(),
                "services": BANK_SERVICES if bank else texts.unit_services(kind, rng),
                "active": True})
    return out
