"""/api/folders: create, list, get one."""

from recordengine.api.app import lambda_handler
from recordengine.api.folders import router

handler = lambda_handler(router)
