"""The hardware-in-the-loop test kit: a pytest plugin, an operator-style API and scenarios."""
