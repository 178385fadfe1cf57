"""Where the running stack is, for the e2e tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stack:
    url: str
    token: str

    def api(self, path: str) -> str:
        return f"{self.url}{path}"
