"""Is the local stack's port free? `python -m local.ports` answers before `make run` installs anything.

Standard library only: `make run` runs it with the system Python, before the virtual environment exists,
so that a busy port is reported in a second rather than after a minute of installing.
"""

from __future__ import annotations

import errno
import os
import socket
import sys

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 3000
# How far above a busy port to look for a free one to suggest.
_SUGGESTION_RANGE = 20


class PortInUse(Exception):
    """The port is taken; the message says how to choose another."""


def is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the stack's server binds: a port left in TIME_WAIT by a stopped stack counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def check_port_free(host: str, port: int, variable: str) -> None:
    """Raises PortInUse, naming the variable that chooses another port and a free one to try."""
    if port == 0:
        return
    try:
        if is_free(host, port):
            return
    except OSError as exc:  # e.g. a port below 1024 without the privilege to use it
        raise PortInUse(f"port {port} cannot be used ({exc.strerror}): choose another with {variable}=...") from exc
    free = next((p for p in range(port + 1, min(port + _SUGGESTION_RANGE, 65535) + 1) if is_free(host, p)), None)
    example = f"{variable}={free} make run" if free else f"{variable}=0 make run"
    raise PortInUse(
        f"port {port} is in use (another local stack, or another program). "
        f"Stop it, or choose another port: {example} ({variable}=0 picks any free port)."
    )


def _port_from_env(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip() or str(default)
    try:
        port = int(value)
    except ValueError:
        raise PortInUse(f"{variable}={value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise PortInUse(f"{variable}={value} is not a port number (0-65535)")
    return port


def main() -> int:
    """Checks PORT (default 3000) and MOTO_PORT (default: any free port), as `python -m local` reads them."""
    try:
        check_port_free(LOOPBACK, _port_from_env("PORT", DEFAULT_PORT), "PORT")
        check_port_free(LOOPBACK, _port_from_env("MOTO_PORT", 0), "MOTO_PORT")
    except PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
