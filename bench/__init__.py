"""`make bench`: ratios measured in one run, each against a reference measured in the same run.

Sections: `coldstart` (each API function, fresh process per sample), `extraction-coldstart` (the
extraction function's import and first OCR'd document against the bare OCR library's, fresh CPython 3.12
per sample), `size` (the CommonLayer against Powertools alone, the ExtractionLayer against tesserocr and its
trained data alone) and `reads` (DynamoDB items read per list request at 1k and 20k documents). Run
`python -m bench [section]` from the repository root.
"""
