"""`make bench`: ratios measured in one run, each against a reference measured in the same run.

Sections: `coldstart` (fresh process per sample), `size` (the CommonLayer against Powertools alone) and
`reads` (DynamoDB items read per list request at 1k and 20k documents). Run `python -m bench [section]`
from the repository root.
"""
