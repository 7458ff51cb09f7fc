"""Navigation: orbit, eclipse, attitude and ground-station visibility."""
