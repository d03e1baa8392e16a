"""Statistics: the bureau's figures for an actor's scope, computed in SQL, plus import/export."""
