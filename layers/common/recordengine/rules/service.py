"""The operations behind /api/rules, and the rules the extraction step runs."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from recordengine.catalog import FolderCatalog, ListPage, bounded_page
from recordengine.errors import InvalidInput, NotFound
from recordengine.models import Status
from recordengine.storable import STORED
from recordengine.storage.documents import DocumentStore

from .actions import RulesOutcome, ordered, run_rules
from .conditions import evaluate_rule
from .models import ConditionResult, MoveToFolder, Rule, RuleCreate, RuleTestResult
from .store import RuleStore

logger = logging.getLogger(__name__)

# Rules are few by design: past this, creating another is refused (every extraction evaluates them all).
MAX_RULES = 200
# The enabled rules are read once per execution environment and kept this long: an extraction does not
# query them again, and a rule created or changed elsewhere applies within this time (at once here).
ENABLED_RULES_SECONDS = 30.0
_enabled: dict[str, tuple[float, list[Rule]]] = {}


def forget_enabled_rules() -> None:
    """Drops every table's cached rules (a new environment, as each test builds)."""
    _enabled.clear()


@dataclass
class RuleService:
    store: RuleStore
    folders: FolderCatalog
    documents: DocumentStore

    def create(self, request: RuleCreate) -> Rule:
        self._check_references(request)
        if len(self.store.all()) >= MAX_RULES:
            raise InvalidInput(f"There are already {MAX_RULES} rules, the most there can be: delete one first.")
        created = Rule.model_validate(self.store.create(request.model_dump(mode="json")), context=STORED)
        self._forget_enabled()
        return created

    def get(self, rule_id: int) -> Rule:
        stored = self.store.get(rule_id)
        if stored is None:
            raise NotFound(f"Rule {rule_id} not found.")
        return Rule.model_validate(stored, context=STORED)

    def replace(self, rule_id: int, request: RuleCreate) -> Rule:
        self.get(rule_id)  # an unknown rule is 404 before its body's references are looked at
        self._check_references(request)
        replaced = Rule.model_validate(self.store.replace(rule_id, request.model_dump(mode="json")), context=STORED)
        self._forget_enabled()
        return replaced

    def delete(self, rule_id: int) -> None:
        self.store.delete(rule_id)
        self._forget_enabled()

    def all(self) -> list[Rule]:
        """Every rule in the order they run: ascending priority, ties by id."""
        return ordered(Rule.model_validate(item, context=STORED) for item in self.store.all())

    def enabled_rules(self) -> list[Rule]:
        """The enabled rules in the order they run, as read at most ENABLED_RULES_SECONDS ago."""
        cached = _enabled.get(self.store.table.name)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        rules = self._read_enabled_rules()
        _enabled[self.store.table.name] = (time.monotonic() + ENABLED_RULES_SECONDS, rules)
        return rules

    def _forget_enabled(self) -> None:
        _enabled.pop(self.store.table.name, None)

    def _read_enabled_rules(self) -> list[Rule]:
        """The enabled rules in the order they run; a stored rule that no longer parses is logged and skipped."""
        rules = []
        for item in self.store.all():
            try:
                rule = Rule.model_validate(item, context=STORED)
            except ValidationError:
                logger.exception("Stored rule %s is not a valid rule; skipped", item.get("id"))
                continue
            if rule.enabled:
                rules.append(rule)
        return ordered(rules)

    def page(self, limit: int, start: int) -> ListPage[Rule]:
        rules = self.all()
        return bounded_page(len(rules), limit, start, rules[start : start + limit])

    def test(self, rule_id: int, document_id: int, *, show_values: bool = True) -> RuleTestResult:
        """Evaluates the rule (enabled or not) against the document as it is now, without acting. Each
        condition's `actual` (the document's value) only with `show_values`: for a token that may read it."""
        rule = self.get(rule_id)
        document = self.documents.get(document_id)
        if document is None:
            raise InvalidInput(f"document_id {document_id} does not name an existing document.")
        matched, outcomes = evaluate_rule(rule, document)
        return RuleTestResult(
            rule_id=rule.id,
            document_id=document_id,
            matched=matched,
            conditions=[
                ConditionResult(
                    field=o.condition.field,
                    op=o.condition.op,
                    value=o.condition.value,
                    passed=o.passed,
                    actual=o.actual if show_values else None,
                )
                for o in outcomes
            ],
            actions=list(rule.actions) if matched else [],
        )

    def run(self, rules: list[Rule], document: Mapping[str, Any], status: Status) -> RulesOutcome:
        """The outcome of `rules` on a document whose extraction would otherwise end in `status`."""
        return run_rules(rules, document, status, self._folder_name)

    def _folder_name(self, folder_id: int) -> str | None:
        folder = self.folders.find(folder_id)
        return folder.name if folder else None

    def _check_references(self, request: RuleCreate) -> None:
        for action in request.actions:
            if isinstance(action, MoveToFolder) and self.folders.find(action.value) is None:
                raise InvalidInput(f"move_to_folder: folder {action.value} does not name an existing folder.")
