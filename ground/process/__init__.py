"""The ground process: the service without sockets, its main loop, control API and sockets."""
