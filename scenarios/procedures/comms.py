"""Link procedures: commanding a downlink rate and seeing it in telemetry."""


def set_downlink_rate(hil, rate_bps, *, within, report_within):
    """Command `comms.set_rate` to `rate_bps` and wait for comms to report it.

    `within` is the command's budget to completion (a round trip and its reports);
    `report_within` the budget for the next comms report to show the new rate.
    """
    hil.send_and_await_completion("comms.set_rate", {"rate_bps": str(rate_bps)}, within=within)
    return hil.wait_check(f"comms.downlink_rate_bps == {rate_bps}", within=report_within)
