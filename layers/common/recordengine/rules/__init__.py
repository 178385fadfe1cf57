"""The Rules Engine (API.md Part 2): conditions on extraction results that act on the document.

`models` (the rule shapes and their validation), `conditions` (evaluation, type-aware and never raising),
`actions` (what a matched rule does to the outcome of an extraction), `store` (rules in DynamoDB) and
`service` (the operations behind /api/rules).
"""
