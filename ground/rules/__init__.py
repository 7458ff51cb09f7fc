"""Rules and alarms: limit, delta, expected, staleness and combination rules, and the alarms they raise."""
