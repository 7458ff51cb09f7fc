"""Checks on figures a scenario works out from several samples, events or replies."""

from ground.testkit import HilFailure


def require(ok, failure):
    """Fail the step with `failure` unless `ok`."""
    if not ok:
        raise HilFailure(failure)
