"""Streamlit-aware helpers shared by the pages: db bridge, sign-in, guards, widgets, i18n."""
