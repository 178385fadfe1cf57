"""RecordEngine Documents API: the domain code shared by every Lambda function (the common layer)."""
