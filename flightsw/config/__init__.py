"""Mission configs: loading, checking and the shipped missions."""
