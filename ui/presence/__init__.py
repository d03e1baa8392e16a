"""Officers' time in the community on screen: the forms."""
