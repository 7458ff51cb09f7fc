"""The spacecraft process: its sockets, the sim port and the command line."""
