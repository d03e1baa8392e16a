"""Streamlit helpers every area uses: the db bridge, i18n, widgets, navigation links, escaping."""
