"""All models, imported here so that metadata and Alembic see every table."""

from db.models.activity import (
    AuditLog,
    ImportedIncident,
    ImportMapping,
    IncidentCount,
    Presence,
)
from db.models.alerts import Alert, AlertPhoto, AlertRecipient
from db.models.cases import (
    AssistanceCase,
    AssistanceMeasure,
    AssistanceVisit,
    CaseAccess,
    Dispute,
    MediationStep,
)
from db.models.leads import Deadline, DispatchRule, Lead, LeadEvent, LeadPhoto, Task
from db.models.org import Community, District, Grid, PoliceOffice, Station, Subdistrict
from db.models.roster import Member, Membership, Officer, SocialUnit, Team
from db.models.users import AuthSession, SignInAttempt, SystemSetting, User, UserCommunity
from db.models.worker import WorkerLease

__all__ = [
    "Alert", "AlertPhoto", "AlertRecipient", "AssistanceCase", "AssistanceMeasure",
    "AssistanceVisit",
    "AuditLog", "AuthSession", "CaseAccess", "Community", "Deadline", "DispatchRule",
    "District", "Dispute", "Grid", "ImportMapping", "ImportedIncident", "IncidentCount",
    "Lead", "LeadEvent", "LeadPhoto", "MediationStep", "Member", "Membership", "Officer",
    "PoliceOffice", "Presence", "SignInAttempt",
    "SocialUnit", "Station", "Subdistrict", "SystemSetting", "Task", "Team", "User",
    "UserCommunity", "WorkerLease",
]
