"""Accounts: sign-in, sessions, the password policy and managing users."""

from services.accounts import auth, users
from services.accounts.auth import actor_for, hash_password

__all__ = [
    "actor_for", "auth", "hash_password", "users",
]
