"""The operator's console: verbs, completion, rendering and the live view."""
