"""The floor of one submission: the same transaction written as plain SQL on the driver's own
connection (same rows, same indexes, same pragmas), so Pingan's figure can be printed as a
ratio to what the database itself needs, measured in the same run."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

# What dispatch needs, read at once: the reporter's grid, the community's chain with the
# accounts, the rules, the deadlines of the lead's category and urgency.
_MINUTES = ("(SELECT min({col}) FROM deadline WHERE urgency = :urgency AND category = {cat})")
READ = f"""
SELECT c.id, c.officer_id, o.active AND o.on_duty,
  (SELECT min(u.id) FROM app_user u WHERE u.officer_id = o.id AND u.active),
  p.backup_officer_id, b.active AND b.on_duty,
  (SELECT min(u.id) FROM app_user u WHERE u.officer_id = b.id AND u.active),
  s.duty_supervisor_id, d.active,
  (SELECT count(*) FROM dispatch_rule),
  (SELECT min(position) FROM dispatch_rule WHERE kind = 'community_officer' AND active),
  (SELECT min(position) FROM dispatch_rule WHERE kind = 'office_backup' AND active),
  (SELECT min(position) FROM dispatch_rule WHERE kind = 'station_duty_supervisor' AND active),
  {_MINUTES.format(col="accept_minutes", cat=":category")},
  {_MINUTES.format(col="resolve_minutes", cat=":category")},
  {_MINUTES.format(col="accept_minutes", cat="'*'")},
  {_MINUTES.format(col="resolve_minutes", cat="'*'")},
  g.id, g.lat, g.lon
FROM member m JOIN grid g ON g.id = m.grid_id JOIN community c ON c.id = g.community_id
JOIN police_office p ON p.id = c.police_office_id JOIN station s ON s.id = c.station_id
LEFT JOIN officer o ON o.id = c.officer_id LEFT JOIN officer b ON b.id = p.backup_officer_id
LEFT JOIN app_user d ON d.id = s.duty_supervisor_id
WHERE m.id = :member
"""
LAST_HASH = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
LEAD = """
INSERT INTO lead (created_at, reporter_user_id, reporter_member_id, reporter_contact,
  community_id, grid_id, lat, lon, address, category, urgency, description, status, level,
  assigned_officer_id, assigned_user_id, dispatch_rule, dispatched_at, accepted_at,
  resolved_at, closed_at, accept_due_at, resolve_due_at, closed_level, resolution,
  duplicate_of_id, alert_id, resolved_by_user_id, overdue_step, version)
VALUES (:created, :user, :member, '', :community, :grid, :lat, :lon, '', :category, :urgency,
  :description, 'dispatched', 'community', :officer, :officer_user, 'community_officer',
  :dispatched, NULL, NULL, NULL, :accept_due, :resolve_due, NULL, '', NULL, NULL, NULL, 0, 1)
RETURNING id
"""
EVENTS = """
INSERT INTO lead_event (lead_id, at, actor_user_id, action, from_status, to_status, note, data)
VALUES (:lead, :created, :user, 'report', NULL, 'new', '', :empty),
       (:lead, :dispatched, NULL, 'dispatch', 'new', 'dispatched', '', :dispatch_data)
"""
AUDIT = """
INSERT INTO audit_log (at, actor_user_id, actor_name, action, entity, entity_id, "before",
  "after", prev_hash, hash)
VALUES (:at, :user, :name, 'leads.report', 'lead', :lead, NULL, :after, :prev, :hash)
"""


class Floor:
    """One plain-SQL submission per call on a connection of `engine`'s pool."""

    def __init__(self, engine: Engine, *, user_id: int, member_id: int, username: str):
        self.pg = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        self.user_id, self.member_id, self.username = user_id, member_id, username
        sql = (READ, LAST_HASH, LEAD, EVENTS, AUDIT)
        self.read, self.last, self.lead, self.events, self.audit = (
            [re.sub(r":(\w+)", r"%(\1)s", s) for s in sql] if self.pg else list(sql))

    def _time(self, value: datetime) -> Any:
        # SQLite keeps naive UTC text, as the models' UTC column type stores it
        return value if self.pg else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def submit(self, category: str, urgency: str, description: str) -> None:
        cur = self.raw.cursor()
        received = datetime.now(UTC)
        if not self.pg:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(self.read, {"member": self.member_id, "category": category,
                                "urgency": urgency})
        row = cur.fetchone()
        assert row is not None and row[2], "the floor assumes the officer takes it"
        accept = row[13] if row[13] is not None else (row[15] or 240)
        resolve = row[14] if row[14] is not None else (row[16] or 4320)
        now = datetime.now(UTC)
        params = {"created": self._time(received), "user": self.user_id,
                  "member": self.member_id, "community": row[0], "grid": row[17],
                  "lat": row[18], "lon": row[19], "category": category, "urgency": urgency,
                  "description": description, "officer": row[1], "officer_user": row[3],
                  "dispatched": self._time(now),
                  "accept_due": self._time(now + timedelta(minutes=accept)),
                  "resolve_due": self._time(received + timedelta(minutes=resolve))}
        if self.pg:
            cur.execute("SELECT pg_advisory_xact_lock(7411001)")
        cur.execute(self.last)
        prev = (cur.fetchone() or ("",))[0]
        cur.execute(self.lead, params)
        lead_id = (cur.fetchone() or (0,))[0]
        data = {"rule": "community_officer", "officer_id": row[1], "user_id": row[3]}
        cur.execute(self.events, {**params, "lead": lead_id, "empty": "{}",
                                  "dispatch_data": json.dumps(data)})
        after = {"status": "dispatched", "category": category, "urgency": urgency,
                 "community_id": row[0], "grid_id": row[17], "reporter_contact": "",
                 "dispatch_rule": "community_officer", "assigned_officer_id": row[1],
                 "assigned_user_id": row[3], "alert_id": None, "photos": 0}
        at = datetime.now(UTC)
        hashed = {"at": at.isoformat(timespec="microseconds"), "actor_user_id": self.user_id,
                  "actor_name": self.username, "action": "leads.report", "entity": "lead",
                  "entity_id": str(lead_id), "before": None, "after": after}
        payload = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + payload).encode()).hexdigest()
        cur.execute(self.audit, {"at": self._time(at), "user": self.user_id,
                                 "name": self.username, "lead": str(lead_id),
                                 "after": json.dumps(after), "prev": prev, "hash": digest})
        if self.pg:
            self.raw.commit()
        else:
            cur.execute("COMMIT")
        cur.close()

    def close(self) -> None:
        self.raw.close()
