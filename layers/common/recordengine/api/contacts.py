from fastapi import APIRouter

from recordengine.models import Contact, ContactCreate, ContactPage
from recordengine.tokens import TokenScope

from .auth import requires
from .dependencies import ContactCatalogDep
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset, start_of
from .paths import path_id

router = APIRouter(prefix="/api/contacts")


@router.post("", status_code=201, dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
def create_contact(request: ContactCreate, contacts: ContactCatalogDep) -> Contact:
    return contacts.create(request)


@router.get("", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def list_contacts(
    contacts: ContactCatalogDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> ContactPage:
    page = contacts.page(limit, start_of(offset, cursor))
    return ContactPage(total=page.total, limit=limit, offset=offset, contacts=page.items, next_cursor=page.next_cursor)


@router.get("/{contact_id}", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def get_contact(contact_id: str, contacts: ContactCatalogDep) -> Contact:
    return contacts.get(path_id(contact_id, "Contact"))
