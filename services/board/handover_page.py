"""The shift handover as one printable HTML page (no script, no external resource)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from sqlalchemy.orm import Session

from services.board.handover import ROWS, Handover, handover
from services.board.live import BoardFilters, BoardRow, Section
from services.core import clock, system
from services.core.actor import Actor
from services.stats import DASH, STYLE, Text, fmt


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], text: Text) -> str:
    if not rows:
        return f'<p class="meta">{escape(text("board.handover.none"))}</p>'
    cells = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                    for row in rows)
    heads = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{cells}</tbody></table>"


def _label(text: Text, prefix: str, code: str) -> str:
    """A code's name in the catalogue, the code itself where there is none."""
    key = f"{prefix}.{code}"
    found = text(key)
    return code if found == key else found


def _when(at: datetime | None) -> str:
    return clock.local(at) if at is not None else DASH


def _cut(shown: int, total: int, text: Text) -> str:
    note = fmt.shown_of(shown, total, text, "board.handover.cut")
    return f'<p class="meta">{escape(note)}</p>' if note else ""


def _leads(section: Section, text: Text, last: bool) -> str:
    head = [text("leads.col_id"), text("board.handover.col_reported"),
            text("leads.col_urgency"), text("leads.col_category"), text("leads.col_community"),
            text("board.col_to"), text("leads.col_status"), text("board.col_level"),
            text("board.handover.col_due")]
    if last:
        head.append(text("board.col_last"))

    def row(r: BoardRow) -> list[str]:
        cells = [f"#{r.id}", _when(r.created_at), _label(text, "leads.urgency", r.urgency),
                 _label(text, "leads.category", r.category), r.community,
                 r.assignee or text("board.nobody"), _label(text, "leads.status", r.status),
                 _label(text, "leads.level", r.level), _when(r.due_at)]
        if last:
            cells.append(f"{_label(text, 'leads.action', r.last_action)} {_when(r.last_at)}"
                         if r.last_action else DASH)
        return cells

    return (_table(head, [row(r) for r in section.rows], text)
            + _cut(len(section.rows), section.total, text))


def _figures(h: Handover, text: Text) -> str:
    fig = h.figures
    items = [(text("board.fig_reported"), fmt.number(fig.reported)),
             (text("board.fig_dispatched"), fmt.number(fig.dispatched)),
             (text("board.fig_in_time"), f"{fig.accepted_in_time}/{fig.accepted}"),
             (text("board.fig_dispatch_median"), fmt.duration(fig.median_dispatch_s, text)),
             (text("board.fig_accept_median"), fmt.duration(fig.median_accept_s, text)),
             (text("board.fig_scene_median"), fmt.duration(fig.median_to_scene_s, text)),
             (text("board.fig_escalations"), fmt.number(fig.escalations))]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
        for k, v in items) + "</div>"


def _escalations(h: Handover, text: Text) -> str:
    head = [text("board.handover.col_at"), text("leads.col_id"), text("leads.col_urgency"),
            text("leads.col_category"), text("leads.col_community"),
            text("board.handover.col_by"), text("board.col_level"),
            text("board.handover.col_note")]
    rows = [[_when(e.at), f"#{e.lead_id}", _label(text, "leads.urgency", e.urgency),
             _label(text, "leads.category", e.category), e.community,
             text("board.handover.automatic") if e.automatic else e.by,
             _label(text, "leads.level", e.level), e.note or DASH] for e in h.escalations]
    return _table(head, rows, text) + _cut(len(rows), h.escalations_total, text)


def _alerts(h: Handover, text: Text) -> str:
    head = [text("board.handover.col_title"), text("board.handover.col_origin"),
            text("board.handover.col_valid"), text("board.handover.col_areas")]
    rows = [[a.title, a.origin, f"{_when(a.valid_from)} – {_when(a.valid_to)}",
             "、".join(a.areas)] for a in h.alerts]
    return _table(head, rows, text)


def _incidents(h: Handover, text: Text) -> str:
    head = [text("board.handover.col_day"), text("board.handover.col_incident"),
            text("board.handover.col_incidents")]
    rows = [[f"{d:%Y-%m-%d}", _label(text, "stats.cat", c), fmt.number(n)]
            for d, c, n in h.incidents]
    return (f'<p class="meta">{escape(text("board.handover.incidents_note"))}</p>'
            + _table(head, rows, text))


def _units(h: Handover, text: Text) -> str:
    head = [text("board.col_officer"), text("board.handover.col_hours"),
            text("board.handover.col_stays"), text("board.handover.col_still_in")]
    rows = [[u.name, fmt.number(u.hours, 1), fmt.number(u.stays),
             text("board.handover.yes") if u.still_in else ""] for u in h.units]
    total = sum(u.hours for u in h.units)
    note = text("board.handover.units_total", hours=fmt.number(total, 1), n=len(h.units))
    return _table(head, rows, text) + f'<p class="meta">{escape(note)}</p>'


def render(h: Handover, *, text: Text, scope_label: str, demo: bool, lang: str) -> str:
    sh = h.shift
    kind = text(f"board.shift_{sh.kind}")
    title = text("board.handover.title")
    meta = text("board.handover.meta", scope=scope_label, kind=kind, start=clock.local(sh.start),
                end=clock.local(sh.end), at=clock.local(h.made_at))

    def h2(key: str, **p: object) -> str:
        return f"<h2>{escape(text(key, **p))}</h2>"

    parts = [f"<h1>{escape(title)} · {escape(kind)} {sh.day:%Y-%m-%d}</h1>",
             f'<p class="meta">{escape(meta)}</p>',
             f'<p class="demo">{escape(text("app.demo_banner"))}</p>' if demo else "",
             h2("board.handover.figures"), _figures(h, text),
             h2("board.handover.open", n=h.open.total),
             f'<p class="meta">{escape(text("board.handover.as_of", at=clock.local(h.made_at)))}'
             "</p>",
             _leads(h.open, text, last=True),
             h2("board.handover.late", n=h.late.total), _leads(h.late, text, last=True),
             h2("board.handover.escalations", n=h.escalations_total), _escalations(h, text),
             h2("board.handover.alerts", n=len(h.alerts)), _alerts(h, text),
             h2("board.handover.incidents"), _incidents(h, text),
             h2("board.handover.reported", n=h.reported.total),
             _leads(h.reported, text, last=False),
             h2("board.handover.units"), _units(h, text),
             f'<p class="meta">{escape(text("board.handover.signatures"))}</p>']
    html_lang = "en" if lang == "en" else "zh-CN"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)} {sh.day:%Y-%m-%d} {escape(kind)}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")


def handover_page(session: Session, *, actor: Actor, day: date, kind: str, text: Text,
                  lang: str, scope_label: str = "", filters: BoardFilters | None = None,
                  now: datetime | None = None) -> tuple[str, int]:
    """The printable handover and how many leads it lists (for the export's audit entry)."""
    h = handover(session, actor=actor, day=day, kind=kind, filters=filters, now=now)
    rows = len(h.open.rows) + len(h.late.rows) + len(h.reported.rows)
    return render(h, text=text, scope_label=scope_label, demo=system.demo_loaded(session),
                  lang=lang), rows


__all__ = ["ROWS", "handover_page", "render"]
