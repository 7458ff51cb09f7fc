"""Pykka actors of the spacecraft: subsystem shells, the software bus and the downlink."""
