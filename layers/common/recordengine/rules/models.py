"""The shapes of rules: what a client sends, what is stored and answered, and their validation (422)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from recordengine.models import AppliedRule, Status
from recordengine.storable import Id, Name, StorableText, check_scalar, excerpt

from .values import as_date, as_number


class Operator(StrEnum):
    EQ = "=="
    NE = "!="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    CONTAINS = "contains"
    EXISTS = "exists"
    MISSING = "missing"


ORDERING = frozenset({Operator.GT, Operator.GE, Operator.LT, Operator.LE})
PRESENCE = frozenset({Operator.EXISTS, Operator.MISSING})

# duplicate_of: the earlier document with the same file ("exists" flags duplicates).
NUMERIC_FIELDS = frozenset({"confidence_score", "contact_id", "folder_id", "duplicate_of", "sender_id"})
TEXT_FIELDS = frozenset({"doc_type", "status"})
EXTRACTED_PREFIX = "extracted_fields."
_EXTRACTED_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# A rule runs while extraction concludes: it may not put a document back into the pipeline's own statuses.
RULE_STATUSES = tuple(s for s in Status if s not in (Status.NEW, Status.PROCESSING))

Scalar = str | int | float | bool


def _field_names() -> str:
    return ", ".join([*sorted(NUMERIC_FIELDS | TEXT_FIELDS), f"{EXTRACTED_PREFIX}<name>"])


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=200)
    op: Operator
    value: Scalar | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, field: str) -> str:
        if field in NUMERIC_FIELDS or field in TEXT_FIELDS:
            return field
        if field.startswith(EXTRACTED_PREFIX) and _EXTRACTED_NAME.match(field.removeprefix(EXTRACTED_PREFIX)):
            return field
        raise ValueError(f"'{excerpt(field)}' is not a rule field; use one of: {_field_names()}")

    @field_validator("value")
    @classmethod
    def _storable(cls, value: Scalar | None, info: ValidationInfo) -> Scalar | None:
        if isinstance(value, str) and len(value) > 1000:
            raise ValueError("value is longer than 1000 characters")
        checked: Scalar | None = check_scalar(value, info)
        return checked

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Condition:
        if self.op in PRESENCE:
            if self.value is not None:
                raise ValueError(f"'{self.op.value}' takes no value")
            return self
        if self.value is None:
            raise ValueError(f"'{self.op.value}' needs a value")
        if isinstance(self.value, bool) and self.op is not Operator.EQ and self.op is not Operator.NE:
            raise ValueError(f"'{self.op.value}' cannot compare with true or false")
        if self.op in ORDERING and as_number(self.value) is None and as_date(self.value) is None:
            raise ValueError(f"'{self.op.value}' needs a number or an ISO date (YYYY-MM-DD) to compare with")
        if self.field in NUMERIC_FIELDS:
            if self.op is Operator.CONTAINS:
                raise ValueError(f"{self.field} is a number: 'contains' does not apply")
            if as_number(self.value) is None:
                raise ValueError(f"{self.field} is a number: compare it with a number")
        if self.field in TEXT_FIELDS and self.op in ORDERING:
            raise ValueError(f"{self.field} is text, not ordered: use '==', '!=' or 'contains'")
        if self.field == "status" and self.op is not Operator.CONTAINS and self.value not in set(Status):
            statuses = ", ".join(s.value for s in Status)
            raise ValueError(f"'{excerpt(str(self.value))}' is not a status; use one of: {statuses}")
        return self


class SetStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["set_status"]
    value: Status

    @field_validator("value")
    @classmethod
    def _not_a_pipeline_status(cls, value: Status) -> Status:
        if value not in RULE_STATUSES:
            raise ValueError(f"a rule cannot set '{value.value}'; use one of: {', '.join(RULE_STATUSES)}")
        return value


class MoveToFolder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["move_to_folder"]
    value: Id = Field(description="the id of an existing folder")


class AddNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["add_note"]
    value: StorableText = Field(min_length=1, max_length=1000)


Action = Annotated[SetStatus | MoveToFolder | AddNote, Field(discriminator="type")]


class RuleCreate(BaseModel):
    """The body of POST /api/rules and PUT /api/rules/{id} (PUT replaces the whole rule)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "auto-approve",
                    "priority": 10,
                    "match": "all",
                    "conditions": [
                        {"field": "confidence_score", "op": ">=", "value": 90},
                        {"field": "extracted_fields.total_amount", "op": "<", "value": 10000},
                    ],
                    "actions": [{"type": "set_status", "value": "Approved"}, {"type": "add_note", "value": "auto"}],
                }
            ]
        },
    )

    name: Name
    enabled: StrictBool = True
    priority: StrictInt = Field(default=100, ge=-1_000_000, le=1_000_000)
    match: Literal["all", "any"] = "all"
    conditions: list[Condition] = Field(min_length=1, max_length=50)
    actions: list[Action] = Field(min_length=1, max_length=20)


class RuleReplace(RuleCreate):
    """The body of PUT /api/rules/{id}: a whole rule. The read-only fields of a rule read back with GET may be
    sent too (so GET, edit, PUT works) and are ignored."""

    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def definition(self) -> RuleCreate:
        return RuleCreate.model_validate(self.model_dump(include=set(RuleCreate.model_fields)))


class Rule(RuleCreate):
    # Stored records carry their keys too; a rule read back ignores them. (The request's example is not one.)
    model_config = ConfigDict(extra="ignore", json_schema_extra=None)

    id: int
    created_at: str
    updated_at: str


class RulePage(BaseModel):
    total: int
    limit: int
    offset: int
    rules: list[Rule]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


class RuleTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_id: Id


class ConditionResult(BaseModel):
    field: str
    op: Operator
    value: Scalar | None = None
    passed: bool
    actual: Any = Field(
        default=None,
        description="The document's value of the field; null when it has none, or when the token may not read "
        "documents (documents:read).",
    )


class RuleTestResult(BaseModel):
    rule_id: int
    document_id: int
    matched: bool
    conditions: list[ConditionResult]
    # The actions the rule would apply to this document (none when it does not match).
    actions: list[Action]


__all__ = [
    "ORDERING",
    "PRESENCE",
    "RULE_STATUSES",
    "Action",
    "AddNote",
    "AppliedRule",
    "Condition",
    "ConditionResult",
    "MoveToFolder",
    "Operator",
    "Rule",
    "RuleCreate",
    "RulePage",
    "RuleReplace",
    "RuleTestRequest",
    "RuleTestResult",
    "SetStatus",
]
