"""Contacts, folders and extraction profiles: what documents are assigned to and extracted with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from .answer_size import Item, fitting, next_position_cursor
from .builtin_profiles import BUILTIN_PROFILES, INVOICE_PROFILE_ID
from .errors import InvalidInput, NotFound
from .models import Contact, ContactCreate, Folder, FolderCreate, Profile, ProfileCreate
from .storable import STORED
from .storage.entities import EntityStore

T = TypeVar("T")
Listed = TypeVar("Listed", Contact, Folder)


@dataclass
class ListPage(Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]
    # The cursor of the page after this one, or None when this one is the last.
    next_cursor: str | None = None


def bounded_page(total: int, limit: int, start: int, items: list[Item]) -> ListPage[Item]:
    """The page of `items` (read from position `start`, at most `limit`) that fits one answer."""
    shown = fitting(items[:limit])
    return ListPage(total, limit, start, shown, next_position_cursor(start, len(shown), total))


@dataclass
class ProfileCatalog:
    """Built-in profiles (defined in code) and custom ones (stored, ids after the built-in ones)."""

    store: EntityStore

    def find(self, profile_id: int) -> Profile | None:
        if profile_id in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[profile_id]
        stored = self.store.get(profile_id)
        return Profile.model_validate(stored, context=STORED) if stored else None

    def get(self, profile_id: int) -> Profile:
        profile = self.find(profile_id)
        if profile is None:
            raise NotFound(f"Profile {profile_id} not found.")
        return profile

    def create(self, request: ProfileCreate) -> Profile:
        names = [f.name for f in request.fields]
        if len(set(names)) != len(names):
            raise InvalidInput("Field names must be unique within a profile.")
        return Profile.model_validate(self.store.create(request.model_dump(mode="json")), context=STORED)

    def page(self, limit: int, start: int) -> ListPage[Profile]:
        builtins = sorted(BUILTIN_PROFILES.values(), key=lambda p: p.id)
        # Built-in profiles come last: the list is newest first and they are the oldest.
        stored = self.store.page(limit=limit + start, offset=0)
        combined = [Profile.model_validate(i, context=STORED) for i in stored.items] + builtins
        return bounded_page(stored.total + len(builtins), limit, start, combined[start : start + limit])


class _StoredCatalog(Generic[Listed]):
    """Objects stored as they were created, found by id and listed newest first."""

    model: type[Listed]
    noun: str

    def __init__(self, store: EntityStore) -> None:
        self.store = store

    def find(self, entity_id: int) -> Listed | None:
        stored = self.store.get(entity_id)
        return self.model.model_validate(stored, context=STORED) if stored else None

    def get(self, entity_id: int) -> Listed:
        found = self.find(entity_id)
        if found is None:
            raise NotFound(f"{self.noun} {entity_id} not found.")
        return found

    def page(self, limit: int, start: int) -> ListPage[Listed]:
        page = self.store.page(limit, start)
        items = [self.model.model_validate(i, context=STORED) for i in page.items]
        return bounded_page(page.total, limit, start, items)


class ContactCatalog(_StoredCatalog[Contact]):
    model = Contact
    noun = "Contact"

    def __init__(self, store: EntityStore, profiles: ProfileCatalog) -> None:
        super().__init__(store)
        self.profiles = profiles

    def create(self, request: ContactCreate) -> Contact:
        profile_id = request.default_profile_id or INVOICE_PROFILE_ID
        if self.profiles.find(profile_id) is None:
            raise InvalidInput(f"default_profile_id {profile_id} does not name an existing profile.")
        return Contact.model_validate(self.store.create({"name": request.name, "default_profile_id": profile_id}))


class FolderCatalog(_StoredCatalog[Folder]):
    model = Folder
    noun = "Folder"

    def create(self, request: FolderCreate) -> Folder:
        return Folder.model_validate(self.store.create({"name": request.name}))
