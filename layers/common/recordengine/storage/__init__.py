"""Data access: DynamoDB (one table, keys in `keys.py`) and S3. Nothing here knows about HTTP."""
