"""Contacts, folders and extraction profiles: what documents are assigned to and extracted with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from .builtin_profiles import BUILTIN_PROFILES, INVOICE_PROFILE_ID
from .errors import InvalidInput, NotFound
from .models import Contact, ContactCreate, Folder, FolderCreate, Profile, ProfileCreate
from .storage.entities import EntityStore
from .storage.table import Page

T = TypeVar("T")
Listed = TypeVar("Listed", Contact, Folder)


@dataclass
class ListPage(Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


@dataclass
class ProfileCatalog:
    """Built-in profiles (defined in code) and custom ones (stored, ids after the built-in ones)."""

    store: EntityStore

    def find(self, profile_id: int) -> Profile | None:
        if profile_id in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[profile_id]
        stored = self.store.get(profile_id)
        return Profile.model_validate(stored) if stored else None

    def get(self, profile_id: int) -> Profile:
        profile = self.find(profile_id)
        if profile is None:
            raise NotFound(f"Profile {profile_id} not found.")
        return profile

    def create(self, request: ProfileCreate) -> Profile:
        names = [f.name for f in request.fields]
        if len(set(names)) != len(names):
            raise InvalidInput("Field names must be unique within a profile.")
        return Profile.model_validate(self.store.create(request.model_dump(mode="json")))

    def page(self, limit: int, offset: int) -> ListPage[Profile]:
        builtins = sorted(BUILTIN_PROFILES.values(), key=lambda p: p.id)
        # Built-in profiles come last: the list is newest first and they are the oldest.
        stored = self.store.page(limit=limit + offset, offset=0)
        combined = [Profile.model_validate(i) for i in stored.items] + builtins
        return ListPage(stored.total + len(builtins), limit, offset, combined[offset : offset + limit])


@dataclass
class ContactCatalog:
    store: EntityStore
    profiles: ProfileCatalog

    def create(self, request: ContactCreate) -> Contact:
        profile_id = request.default_profile_id or INVOICE_PROFILE_ID
        if self.profiles.find(profile_id) is None:
            raise InvalidInput(f"default_profile_id {profile_id} does not name an existing profile.")
        return Contact.model_validate(self.store.create({"name": request.name, "default_profile_id": profile_id}))

    def find(self, contact_id: int) -> Contact | None:
        stored = self.store.get(contact_id)
        return Contact.model_validate(stored) if stored else None

    def get(self, contact_id: int) -> Contact:
        contact = self.find(contact_id)
        if contact is None:
            raise NotFound(f"Contact {contact_id} not found.")
        return contact

    def page(self, limit: int, offset: int) -> ListPage[Contact]:
        return _list_page(self.store.page(limit, offset), Contact, limit, offset)


@dataclass
class FolderCatalog:
    store: EntityStore

    def create(self, request: FolderCreate) -> Folder:
        return Folder.model_validate(self.store.create({"name": request.name}))

    def find(self, folder_id: int) -> Folder | None:
        stored = self.store.get(folder_id)
        return Folder.model_validate(stored) if stored else None

    def get(self, folder_id: int) -> Folder:
        folder = self.find(folder_id)
        if folder is None:
            raise NotFound(f"Folder {folder_id} not found.")
        return folder

    def page(self, limit: int, offset: int) -> ListPage[Folder]:
        return _list_page(self.store.page(limit, offset), Folder, limit, offset)


def _list_page(page: Page, model: type[Listed], limit: int, offset: int) -> ListPage[Listed]:
    return ListPage(page.total, limit, offset, [model.model_validate(i) for i in page.items])
