"""/api/senders: list, get one, rename or link to a contact, forget."""

from recordengine.api.app import lambda_handler
from recordengine.api.senders import router

handler = lambda_handler(router)
