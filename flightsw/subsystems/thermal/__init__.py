"""Thermal control: nodes, radiators, heaters and the coolant loop."""
