from fastapi import APIRouter

from recordengine.models import Health

router = APIRouter()


@router.get("/api/health")
def health() -> Health:
    return Health()
