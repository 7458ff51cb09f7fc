"""The onboard executive: rate groups, the actors that run the subsystems, telecommand dispatch and onboard services."""
