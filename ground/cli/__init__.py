"""The command line: mission, launching both processes, replay and export."""
