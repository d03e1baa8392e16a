"""Leads (线索): report, dispatch, workflow, inboxes, shared tasks, photos and export."""

from services.leads.common import CATEGORIES, LEVELS, STATUSES, URGENCIES, LeadView, visible
from services.leads.detail import EventView, LeadDetail, get_lead, officer_choices
from services.leads.dispatch import choose
from services.leads.export import export_leads
from services.leads.inbox import (
    InboxFilters,
    InboxPage,
    InboxRow,
    filter_choices,
    inbox,
    inbox_sorts,
)
from services.leads.more_info import answer_info
from services.leads.news import Notice, ReporterNews, reporter_news
from services.leads.photos import photo_gps, read_photo
from services.leads.place import PlaceChoices, grids_of, place_choices
from services.leads.report import NearbyLead, add_to_lead, nearby_leads, report_lead
from services.leads.rules import (
    DeadlineRow,
    RuleRow,
    list_deadlines,
    list_rules,
    save_deadlines,
    save_rules,
)
from services.leads.summary import Summary, summary, urgent_waiting_count
from services.leads.tasks import (
    TASK_STATUSES,
    TaskView,
    cancel_task,
    claim_task,
    create_task,
    finish_task,
    list_tasks,
    team_choices,
    unclaim_task,
)
from services.leads.unit_tasks import give_task_to_unit, record_unit_report, unit_choices
from services.leads.urgent import UrgentNews, urgent_news
from services.leads.waiting import communities_reached, dispatch_waiting
from services.leads.where import PointInfo, describe_point, map_shapes, start_point
from services.leads.workflow import OPEN_STATUSES, TRANSITIONS, act, escalate_overdue

__all__ = [
    "CATEGORIES", "LEVELS", "OPEN_STATUSES", "STATUSES", "TASK_STATUSES", "TRANSITIONS",
    "URGENCIES",
    "DeadlineRow", "EventView", "InboxFilters", "InboxPage", "InboxRow", "LeadDetail",
    "LeadView", "NearbyLead", "RuleRow", "Summary", "TaskView", "act", "add_to_lead",
    "cancel_task", "choose", "claim_task", "communities_reached", "create_task", "dispatch_waiting",
    "escalate_overdue", "export_leads",
    "filter_choices", "inbox_sorts", "finish_task", "get_lead", "inbox", "list_deadlines",
    "list_rules",
    "list_tasks", "nearby_leads", "officer_choices", "place_choices", "grids_of",
    "PlaceChoices", "read_photo", "report_lead", "save_deadlines", "save_rules",
    "summary", "team_choices", "unclaim_task", "urgent_waiting_count", "visible",
    "UrgentNews", "urgent_news", "answer_info", "Notice", "ReporterNews", "reporter_news",
    "PointInfo", "describe_point", "map_shapes", "photo_gps", "start_point",
    "give_task_to_unit", "record_unit_report", "unit_choices",
]
