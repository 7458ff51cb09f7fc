"""Names a scenario looks up in the flight dictionary rather than spelling them out."""


def first_parameter(hil, subsystem):
    """`subsystem.param` for the first housekeeping parameter the dictionary lists."""
    for entry in hil.dictionary["subsystems"]:
        if entry["name"] == subsystem:
            return f"{subsystem}.{entry['telemetry'][0]['name']}"
    raise KeyError(subsystem)
