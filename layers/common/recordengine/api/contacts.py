from fastapi import APIRouter

from recordengine.models import Contact, ContactCreate, ContactPage

from .dependencies import ContactCatalogDep
from .pagination import DEFAULT_LIMIT, Limit, Offset
from .paths import path_id

router = APIRouter(prefix="/api/contacts")


@router.post("", status_code=201)
def create_contact(request: ContactCreate, contacts: ContactCatalogDep) -> Contact:
    return contacts.create(request)


@router.get("")
def list_contacts(contacts: ContactCatalogDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> ContactPage:
    page = contacts.page(limit, offset)
    return ContactPage(total=page.total, limit=limit, offset=offset, contacts=page.items)


@router.get("/{contact_id}")
def get_contact(contact_id: str, contacts: ContactCatalogDep) -> Contact:
    return contacts.get(path_id(contact_id, "Contact"))
