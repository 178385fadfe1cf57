"""/api/contacts: create, list, get one."""

from recordengine.api.app import lambda_handler
from recordengine.api.contacts import router

handler = lambda_handler(router)
