"""Accounts on screen: an account's role and scope."""
