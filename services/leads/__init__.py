"""Leads (线索): report, dispatch, workflow, inboxes, shared tasks, photos and export."""

from services.leads.common import (
    CATEGORIES,
    LEVELS,
    STATUSES,
    URGENCIES,
    LeadView,
    load_visible,
    visible,
)
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
from services.leads.photos import (
    ALLOWED,
    Checked,
    check_photos,
    photo_dir,
    photo_gps,
    read_photo,
    stored_bytes,
)
from services.leads.place import PlaceChoices, grids_of, place_choices
from services.leads.report import (
    NearbyLead,
    add_to_lead,
    nearby_leads,
    report_lead,
    submit_lead,
)
from services.leads.rules import (
    DeadlineRow,
    RuleRow,
    list_deadlines,
    list_rules,
    save_deadlines,
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
from services.leads.waiting import communities_reached, dispatch_waiting, save_rules
from services.leads.where import PointInfo, describe_point, map_shapes, start_point
from services.leads.workflow import (
    OPEN_STATUSES,
    TRANSITIONS,
    act,
    escalate_overdue,
    overdue_unescalated,
    record_step,
)

__all__ = [
    "act", "add_to_lead", "ALLOWED", "answer_info", "cancel_task", "CATEGORIES",
    "check_photos", "Checked", "choose", "claim_task", "communities_reached", "create_task",
    "DeadlineRow", "describe_point", "dispatch_waiting", "escalate_overdue", "EventView",
    "export_leads", "filter_choices", "finish_task", "get_lead", "give_task_to_unit",
    "grids_of", "inbox", "inbox_sorts", "InboxFilters", "InboxPage", "InboxRow", "LeadDetail",
    "LeadView", "LEVELS", "list_deadlines", "list_rules", "list_tasks", "load_visible",
    "map_shapes", "nearby_leads", "NearbyLead", "Notice", "officer_choices", "OPEN_STATUSES",
    "overdue_unescalated", "photo_dir", "photo_gps", "place_choices", "PlaceChoices",
    "PointInfo", "read_photo", "record_step", "record_unit_report", "report_lead", "submit_lead",
    "reporter_news", "ReporterNews", "RuleRow", "save_deadlines", "save_rules", "start_point",
    "STATUSES", "stored_bytes", "Summary", "summary", "TASK_STATUSES", "TaskView",
    "team_choices", "TRANSITIONS", "unclaim_task", "unit_choices", "URGENCIES", "urgent_news",
    "urgent_waiting_count", "UrgentNews", "visible",
]
