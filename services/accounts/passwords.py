"""Password policy: 8 to 64 characters, not a common password, no composition rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LEN = 8
MAX_LEN = 64
_LIST = Path(__file__).resolve().parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(
        line.strip().lower() for line in _LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_password_policy(password: str, *, username: str = "") -> str | None:
    """None when acceptable, else the translation key of the reason."""
    if len(password) < MIN_LEN:
        return "password.too_short"
    if len(password) > MAX_LEN:
        return "password.too_long"
    if len(password.encode()) > 72:
        return "password.too_many_bytes"  # bcrypt's limit: say so instead of truncating
    if "\x00" in password:
        return "password.bad_char"
    lowered = password.lower()
    if lowered in common_passwords() or (username and lowered == username.lower()):
        return "password.common"
    return None
