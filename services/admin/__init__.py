"""Administration: searching the audit trail, backup and restore."""

from services.admin import backup

__all__ = [
    "backup",
]
