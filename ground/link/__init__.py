"""The link as the ground sees it: the channel model and ingest checks."""
