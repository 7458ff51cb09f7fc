"""Procedures the shipped scenarios share, each written once for every mission that flies it.

A scenario keeps its own steps (their titles are its report); a procedure is what is done inside
one, given `hil` and the mission's figures. The scenario loader puts this folder's parent on
the import path, so a scenario in any mission folder writes `from procedures import propulsion`.
"""
