"""The interface control document in code: packet layout, PUS services and message bodies.

The flight side owns it; the ground imports it. docs/icd.md describes the same format in prose.
"""

# Importing the service modules registers their messages with the body decoder.
from flightsw.icd import messages, storage_schedule

__all__ = ["messages", "storage_schedule"]
