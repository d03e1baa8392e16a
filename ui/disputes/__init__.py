"""Disputes on screen: the forms."""
