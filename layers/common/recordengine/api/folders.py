from fastapi import APIRouter

from recordengine.models import Folder, FolderCreate, FolderPage
from recordengine.tokens import TokenScope

from .auth import requires
from .dependencies import FolderCatalogDep
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset, start_of
from .paths import path_id

router = APIRouter(prefix="/api/folders")


@router.post("", status_code=201, dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
def create_folder(request: FolderCreate, folders: FolderCatalogDep) -> Folder:
    return folders.create(request)


@router.get("", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def list_folders(
    folders: FolderCatalogDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> FolderPage:
    page = folders.page(limit, start_of(offset, cursor))
    return FolderPage(total=page.total, limit=limit, offset=offset, folders=page.items, next_cursor=page.next_cursor)


@router.get("/{folder_id}", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def get_folder(folder_id: str, folders: FolderCatalogDep) -> Folder:
    return folders.get(path_id(folder_id, "Folder"))
