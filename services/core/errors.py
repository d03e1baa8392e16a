"""Typed service errors. Each carries a translation key and parameters, never personal data."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base error; `key` is looked up in the translation catalogue by the page."""

    key = "error.service"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key)


class NotFound(ServiceError):
    key = "error.not_found"


class PermissionDenied(ServiceError):
    key = "error.permission_denied"


class Conflict(ServiceError):
    """The record changed since it was shown; params say who changed it and when."""

    key = "error.conflict"


class Invalid(ServiceError):
    """Bad input; `fields` maps a field name to the translation key of its message."""

    key = "error.invalid"

    def __init__(
        self, fields: dict[str, str] | None = None, key: str | None = None, **params: Any
    ) -> None:
        super().__init__(key, **params)
        self.fields = fields or {}


class AuthFailed(ServiceError):
    """Wrong username or password, unknown or disabled user: one message for all."""

    key = "auth.failed"


class Locked(ServiceError):
    key = "auth.locked"
