"""Simple entities (contacts, folders, custom profiles): create, get, list newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recordengine.clock import now_timestamp

from . import keys
from .table import Page, Table


@dataclass
class EntityStore:
    table: Table
    kind: str
    # Ids 1..reserved belong to objects defined in code (the built-in profile), never to stored ones.
    reserved_ids: int = 0

    def create(self, attributes: dict[str, Any]) -> dict[str, Any]:
        entity_id = self.table.next_id(self.kind, reserved=self.reserved_ids)
        created_at = now_timestamp()
        record = {**attributes, "id": entity_id, "created_at": created_at}
        self.table.put_new(
            self.kind,
            entity_id,
            {**record, "kind": self.kind, "created_sk": keys.created_sort_key(created_at, entity_id)},
        )
        return record

    def get(self, entity_id: int) -> dict[str, Any] | None:
        return self.table.get(self.kind, entity_id)

    def page(self, limit: int, offset: int) -> Page:
        return self.table.newest_first(keys.BY_KIND_INDEX, "kind", self.kind, limit=limit, offset=offset)
