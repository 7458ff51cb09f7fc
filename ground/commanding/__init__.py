"""Commanding: validation, confirmation, the queue and verification tracking."""
