"""/api/rules: the Rules Engine's rules (create, list, get, replace, delete) and the dry run of one rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from recordengine import wiring
from recordengine.rules.models import Rule, RuleCreate, RulePage, RuleReplace, RuleTestRequest, RuleTestResult
from recordengine.rules.service import RuleService
from recordengine.tokens import TokenScope

from .auth import may_read_documents, requires
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset, start_of
from .paths import path_id

RuleServiceDep = Annotated[RuleService, Depends(wiring.rule_service)]

# Rules act on every document, whoever uploaded it: the admin scope.
router = APIRouter(prefix="/api/rules", dependencies=[requires(TokenScope.ADMIN)])


@router.post("", status_code=201)
def create_rule(request: RuleCreate, rules: RuleServiceDep) -> Rule:
    return rules.create(request)


@router.get("")
def list_rules(
    rules: RuleServiceDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> RulePage:
    page = rules.page(limit, start_of(offset, cursor))
    return RulePage(total=page.total, limit=limit, offset=offset, rules=page.items, next_cursor=page.next_cursor)


@router.get("/{rule_id}")
def get_rule(rule_id: str, rules: RuleServiceDep) -> Rule:
    return rules.get(path_id(rule_id, "Rule"))


@router.put("/{rule_id}")
def replace_rule(rule_id: str, request: RuleReplace, rules: RuleServiceDep) -> Rule:
    return rules.replace(path_id(rule_id, "Rule"), request.definition())


@router.delete("/{rule_id}", status_code=204)
def delete_rule(rule_id: str, rules: RuleServiceDep) -> Response:
    rules.delete(path_id(rule_id, "Rule"))
    return Response(status_code=204)


@router.post("/{rule_id}/test")
def test_rule(rule_id: str, body: RuleTestRequest, rules: RuleServiceDep, request: Request) -> RuleTestResult:
    # Rules are the admin's; the document's values are for a token that may read documents.
    return rules.test(path_id(rule_id, "Rule"), body.document_id, show_values=may_read_documents(request))
