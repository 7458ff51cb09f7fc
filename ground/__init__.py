"""Mission control side of the emulator: channel model, ingest, archive, rules, commanding."""
