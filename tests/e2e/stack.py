"""Where the running stack is, for the e2e tests."""

from __future__ import annotations

from dataclasses import dataclass

# Seconds a request to the stack may take (a loaded 2-core machine answers slowly, never this slowly).
TIMEOUT = 30


@dataclass(frozen=True)
class Stack:
    url: str
    token: str

    def api(self, path: str) -> str:
        return f"{self.url}{path}"
