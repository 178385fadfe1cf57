from fastapi import APIRouter

from recordengine.models import Profile, ProfileCreate, ProfilePage
from recordengine.tokens import TokenScope

from .auth import requires
from .dependencies import ProfileCatalogDep
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset, start_of
from .paths import path_id

router = APIRouter(prefix="/api/profiles")


@router.post("", status_code=201, dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
def create_profile(request: ProfileCreate, profiles: ProfileCatalogDep) -> Profile:
    return profiles.create(request)


@router.get("", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def list_profiles(
    profiles: ProfileCatalogDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> ProfilePage:
    page = profiles.page(limit, start_of(offset, cursor))
    return ProfilePage(total=page.total, limit=limit, offset=offset, profiles=page.items, next_cursor=page.next_cursor)


@router.get("/{profile_id}", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def get_profile(profile_id: str, profiles: ProfileCatalogDep) -> Profile:
    return profiles.get(path_id(profile_id, "Profile"))
