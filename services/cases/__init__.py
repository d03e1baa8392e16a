"""Assistance files (一对一帮扶档案): the files and their measures and visits."""

from services.cases.measures import flag_overdue_measures

__all__ = [
    "flag_overdue_measures",
]
