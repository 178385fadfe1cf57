"""Document webhooks: endpoints, signed deliveries (Standard Webhooks), retries and SSRF protection."""
