"""Physics as pure functions over numpy arrays: constants, orbits, relative motion, gases."""
