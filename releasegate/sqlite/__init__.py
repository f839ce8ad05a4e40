"""ReleaseGate's SQLite database backend: Django's, with the writers of a process taking
turns (see `base`)."""
