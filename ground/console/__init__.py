"""The operator's console: COSMOS-style verbs on the control API, completion, the live view."""

from ground.console.complete import ConsoleCompleter, Vocabulary
from ground.console.live_view import LiveView
from ground.console.verbs import Console

__all__ = ["Console", "ConsoleCompleter", "LiveView", "Vocabulary"]
