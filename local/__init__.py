"""The local stack: the SAM application of template.yaml on a laptop, with no Docker and no AWS account.

`python -m local` (`make run`) starts moto's server on loopback, creates the template's tables (keys,
indexes, streams), buckets and queues in it, loads every function's handler in this process, serves the
template's HttpApi routes as API Gateway payload v2.0 events, delivers S3 object-created events and
DynamoDB stream batches to the functions subscribed to them, and prints the URL and a bearer token.
`python -m local.with_stack -- CMD ...` runs commands (e.g. the e2e tests) against a fresh stack.
It is dev tooling, never deployed: it reads the template rather than duplicating it.
"""
