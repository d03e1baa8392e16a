"""Pingan's rules: plain functions over a SQLAlchemy session, never importing streamlit."""
