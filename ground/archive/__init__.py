"""The run archive: one SQLite file per run."""
