"""The frame around every page: sign-in, the guard, the menu, the sidebar, the home panels."""
