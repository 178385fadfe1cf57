"""SnapStart: off by default, on the API functions when turned on, and restore hooks that are no-ops outside Lambda."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from local.cfn import load_yaml
from recordengine import environment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return cast(dict[str, Any], load_yaml((REPO / "template.yaml").read_text(encoding="utf-8")))


def _api_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        and any(event.get("Type") == "HttpApi" for event in resource["Properties"].get("Events", {}).values())
    }


def test_snapstart_is_off_by_default(template: dict[str, Any]) -> None:
    assert template["Parameters"]["EnableSnapStart"]["Default"] == "false"
    assert template["Conditions"]["SnapStartEnabled"] == {"Fn::Equals": [{"Ref": "EnableSnapStart"}, "true"]}


def test_every_api_function_can_snapstart_a_published_version(template: dict[str, Any]) -> None:
    functions = _api_functions(template)
    assert len(functions) > 10
    for name, properties in functions.items():
        assert properties.get("AutoPublishAlias") == "live", name
        assert properties.get("SnapStart") == {
            "Fn::If": ["SnapStartEnabled", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
        }, name


def test_the_python_runtime_supports_snapstart(template: dict[str, Any]) -> None:
    assert template["Globals"]["Function"]["Runtime"] in {"python3.12", "python3.13"}


@pytest.fixture
def fake_runtime(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    hooks: list[Callable[[], None]] = []
    module = types.ModuleType("snapshot_restore_py")
    module.register_after_restore = hooks.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", module)
    monkeypatch.setattr(environment, "_registered", False)
    return hooks


def test_restore_hooks_are_a_no_op_outside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as outside Lambda
    monkeypatch.setattr(environment, "_registered", False)
    assert environment.register_restore_hooks() is False


def test_restore_hooks_are_registered_once(fake_runtime: list[Callable[[], None]]) -> None:
    assert environment.register_restore_hooks() is True
    assert environment.register_restore_hooks() is True
    assert fake_runtime == [environment.forget_environment]


def test_after_a_restore_clients_sessions_and_randomness_are_new(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from recordengine import wiring
    from recordengine.storage import blobs, dynamo

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for cached in (dynamo.default_dynamodb_client, blobs.default_s3_client, wiring.table):
        cached.cache_clear()
    try:
        before = (dynamo.default_dynamodb_client(), blobs.default_s3_client(), wiring.table())
        boto3.setup_default_session()
        random.seed(1234)
        snapshot_draw = random.Random(1234).random()

        environment.forget_environment()

        assert boto3.DEFAULT_SESSION is None
        after = (dynamo.default_dynamodb_client(), blobs.default_s3_client(), wiring.table())
        assert all(new is not old for new, old in zip(after, before, strict=True))
        assert random.random() != snapshot_draw
    finally:
        for cached in (dynamo.default_dynamodb_client, blobs.default_s3_client, wiring.table):
            cached.cache_clear()


def test_stores_made_before_a_restore_use_the_new_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores hold a LazyClient: after the factory's cache is cleared they reach the new client."""
    from recordengine.storage.blobs import BlobStore
    from recordengine.storage.lazy import LazyClient

    made: list[object] = []

    class Client:
        # What BlobStore.delete asks first (the object's versions): here, none.
        def list_object_versions(self, **kwargs: Any) -> dict[str, Any]:
            made.append(self)
            return {}

    clients = iter([Client(), Client()])
    current: dict[str, object] = {}

    def factory() -> object:
        if "client" not in current:
            current["client"] = next(clients)
        return current["client"]

    store = BlobStore("bucket", client=cast(Any, LazyClient(factory)))
    assert current == {}  # nothing made until used
    store.delete("documents/1/" + "0" * 32)
    current.clear()  # what a restore does to the factories' caches
    store.delete("documents/1/" + "0" * 32)
    assert len(made) == 2 and made[0] is not made[1]


def test_a_blob_store_makes_no_s3_client_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from recordengine.storage import blobs

    calls: list[int] = []
    monkeypatch.setattr(blobs, "default_s3_client", lambda: calls.append(1))
    blobs.BlobStore("bucket")
    assert calls == []
