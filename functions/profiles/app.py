"""/api/profiles: create, list, get one."""

from recordengine.api.app import lambda_handler
from recordengine.api.profiles import router

handler = lambda_handler(router)
