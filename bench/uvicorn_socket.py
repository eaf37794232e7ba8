"""One uvicorn worker serving the app from a listening TCP socket it inherits (fd in argv[1]), so
several workers can share one socket as uvicorn's --workers does. uvicorn's own `--fd` takes every
inherited socket for a Unix one, and so leaves TCP_NODELAY unset: each small response then waits
for the client's delayed ACK (about 40 ms)."""

from __future__ import annotations

import socket
import sys

import uvicorn

if __name__ == "__main__":
    listener = socket.socket(fileno=int(sys.argv[1]))  # the family and type come from the descriptor
    config = uvicorn.Config("api.app:app_factory", factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
