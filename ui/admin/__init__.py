"""Administration screens' pieces: the audit trail in people's words, the worker's status."""
