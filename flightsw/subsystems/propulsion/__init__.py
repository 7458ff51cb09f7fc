"""Propulsion: tank, thruster and burns."""
