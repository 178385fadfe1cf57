"""The local stack's template reading: YAML tags, intrinsic functions, physical names and the SAM model."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from local.cfn import NO_VALUE, CfnYamlLoader, NotReadyError, Template, TemplateError, api_id_for, load_yaml
from local.model import load_application

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]


def make_template(text: str, tmp_path: Path, **kwargs: object) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return Template.load(path, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- YAML


def test_short_form_tags_become_long_form_dicts() -> None:
    body = load_yaml(
        dedent(
            """
            A: !Ref Thing
            B: !Sub "${AWS::StackName}-x"
            C: !GetAtt Table.StreamArn
            D: !GetAtt [Table, Arn]
            E: !If [Cond, 1, 2]
            F: !Join ["-", [a, !Ref B]]
            G: !Equals [!Ref P, "true"]
            H: !Sub
              - "${X}-y"
              - X: !Ref Thing
            I: !Condition Cond
            J: !GetAtt Api.Outputs.Some.Thing
            Date: 2010-09-09
            """
        )
    )
    assert body["A"] == {"Ref": "Thing"}
    assert body["B"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert body["C"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert body["D"] == {"Fn::GetAtt": ["Table", "Arn"]}
    assert body["E"] == {"Fn::If": ["Cond", 1, 2]}
    assert body["F"] == {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}
    assert body["G"] == {"Fn::Equals": [{"Ref": "P"}, "true"]}
    assert body["H"] == {"Fn::Sub": ["${X}-y", {"X": {"Ref": "Thing"}}]}
    assert body["I"] == {"Condition": "Cond"}
    assert body["J"] == {"Fn::GetAtt": ["Api", "Outputs.Some.Thing"]}
    # CloudFormation reads an unquoted date as a string.
    assert body["Date"] == "2010-09-09"


def test_templates_are_parsed_by_libyaml_and_read_as_the_pure_python_parser_reads_them() -> None:
    # Every in-process stack of the tests parses template.yaml: the C parser is what keeps that cheap.
    import yaml

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert issubclass(CfnYamlLoader, yaml.CSafeLoader)

    class PurePythonLoader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
        yaml_constructors = CfnYamlLoader.yaml_constructors
        yaml_multi_constructors = CfnYamlLoader.yaml_multi_constructors

    text = (REPO / "template.yaml").read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=PurePythonLoader)


def test_the_loader_is_safe() -> None:
    with pytest.raises(Exception, match="python/object"):
        load_yaml("a: !!python/object/apply:os.system ['true']")


# ---------------------------------------------------------------------------------------------- intrinsics

SMALL = """
Parameters:
  Stage: {Type: String, Default: dev}
  Size: {Type: Number, Default: 25}
  Names: {Type: CommaDelimitedList, Default: "a, b,c"}
  NoDefault: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition NotProd, !Equals [!Ref Size, "25"]]
  Either: !Or [!Condition IsProd, !Equals [a, b]]
Mappings:
  Sizes:
    dev: {Memory: 256}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  NamedTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-named"
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
  Fifo:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true}
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
  Fn:
    Type: AWS::Serverless::Function
  Api:
    Type: AWS::Serverless::HttpApi
"""


@pytest.fixture
def small(tmp_path: Path) -> Template:
    return make_template(SMALL, tmp_path)


def test_refs_to_parameters_pseudo_parameters_and_resources(small: Template) -> None:
    r = small.resolve
    assert r({"Ref": "Stage"}) == "dev"
    # A Ref to a Number parameter is a string, as in CloudFormation.
    assert r({"Ref": "Size"}) == "25"
    assert r({"Ref": "Names"}) == ["a", "b", "c"]
    assert r({"Ref": "AWS::StackName"}) == "recordengine-local"
    assert r({"Ref": "AWS::AccountId"}) == "123456789012"
    assert r({"Ref": "AWS::Region"}) == "us-east-1"
    assert r({"Ref": "AWS::URLSuffix"}) == "amazonaws.com"
    assert r({"Ref": "AWS::Partition"}) == "aws"
    assert r({"Ref": "Table"}) == "recordengine-local-Table"
    assert r({"Ref": "NamedTable"}) == "recordengine-local-named"
    assert r({"Ref": "Bucket"}) == "recordengine-local-bucket"
    assert r({"Ref": "Fn"}) == "recordengine-local-Fn"
    assert r({"Ref": "Api"}) == api_id_for("Api")
    assert len(api_id_for("Api")) == 10


def test_a_parameter_without_default_needs_an_override(small: Template, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="NoDefault"):
        small.resolve({"Ref": "NoDefault"})
    other = make_template(SMALL, tmp_path, parameter_overrides={"NoDefault": "given", "Stage": "prod"})
    assert other.resolve({"Ref": "NoDefault"}) == "given"
    assert other.condition("IsProd") is True
    assert "ProdQueue" in other.resources


def test_unknown_parameter_overrides_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="Nope"):
        make_template(SMALL, tmp_path, parameter_overrides={"Nope": "x"})


def test_sub_forms(small: Template) -> None:
    r = small.resolve
    assert r({"Fn::Sub": "${AWS::StackName}-documents-${AWS::AccountId}-${AWS::Region}"}) == (
        "recordengine-local-documents-123456789012-us-east-1"
    )
    assert r({"Fn::Sub": "${Table}/${Stage}"}) == "recordengine-local-Table/dev"
    assert r({"Fn::Sub": "${Table.Arn}/index/*"}) == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/recordengine-local-Table/index/*"
    )
    assert r({"Fn::Sub": ["${X}-${Stage}", {"X": {"Ref": "Bucket"}}]}) == "recordengine-local-bucket-dev"
    # ${!Literal} is written out as ${Literal}.
    assert r({"Fn::Sub": "${!NotAVariable}"}) == "${NotAVariable}"
    assert r({"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}).startswith("https://")


def test_get_att(small: Template) -> None:
    r = small.resolve
    assert r({"Fn::GetAtt": ["Queue", "Arn"]}) == "arn:aws:sqs:us-east-1:123456789012:recordengine-local-Queue"
    assert r({"Fn::GetAtt": ["Queue", "QueueName"]}) == "recordengine-local-Queue"
    assert r({"Fn::GetAtt": ["Bucket", "Arn"]}) == "arn:aws:s3:::recordengine-local-bucket"
    assert r({"Fn::GetAtt": "Table.Arn"}) == ("arn:aws:dynamodb:us-east-1:123456789012:table/recordengine-local-Table")
    # Attributes that exist only once the resource does: asked too early, a clear error.
    with pytest.raises(NotReadyError):
        r({"Fn::GetAtt": ["Table", "StreamArn"]})
    with pytest.raises(NotReadyError):
        r({"Ref": "Queue"})  # a queue's Ref is its URL
    small.set_attribute("Table", "StreamArn", "arn:stream")
    small.set_attribute("Queue", "QueueUrl", "http://127.0.0.1:1/123456789012/q")
    assert r({"Fn::GetAtt": ["Table", "StreamArn"]}) == "arn:stream"
    assert r({"Ref": "Queue"}) == "http://127.0.0.1:1/123456789012/q"
    with pytest.raises(TemplateError, match="Missing"):
        r({"Fn::GetAtt": ["Missing", "Arn"]})


def test_conditions_if_and_no_value(small: Template) -> None:
    r = small.resolve
    assert small.condition("IsProd") is False
    assert small.condition("NotProd") is True
    assert small.condition("Both") is True
    assert small.condition("Either") is False
    assert r({"Fn::If": ["IsProd", "a", "b"]}) == "b"
    assert r({"Ref": "AWS::NoValue"}) is NO_VALUE
    assert r({"Keep": 1, "Drop": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]}}) == {"Keep": 1}
    assert r([1, {"Ref": "AWS::NoValue"}, 2]) == [1, 2]
    # Resources whose Condition is false are not part of the stack.
    assert "ProdQueue" not in small.resources
    assert "Queue" in small.resources


def test_other_functions(small: Template) -> None:
    r = small.resolve
    assert r({"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 3]]}) == "a-dev-3"
    assert r({"Fn::Select": [1, ["x", "y"]]}) == "y"
    assert r({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert r({"Fn::Select": ["0", {"Fn::Split": ["/", {"Fn::Sub": "${Stage}/x"}]}]}) == "dev"
    assert r({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}) == 256
    assert r({"Fn::Base64": "hi"}) == "aGk="
    assert r({"Fn::GetAZs": ""}) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    with pytest.raises(TemplateError, match="Fn::ImportValue"):
        r({"Fn::ImportValue": "x"})


def test_physical_names_follow_aws_rules(tmp_path: Path) -> None:
    long_id = "A" * 90
    template = make_template(
        f"""
        Resources:
          {long_id}:
            Type: AWS::S3::Bucket
          Fifo:
            Type: AWS::SQS::Queue
            Properties: {{FifoQueue: true}}
        """,
        tmp_path,
    )
    bucket = template.physical_name(long_id)
    assert len(bucket) <= 63
    assert bucket == bucket.lower()
    assert template.physical_name("Fifo").endswith(".fifo")


# ---------------------------------------------------------------------------------------------- the model


@pytest.fixture
def fixture_template() -> Template:
    return Template.load(FIXTURES / "template.yaml")


def test_the_fixture_application(fixture_template: Template) -> None:
    app = load_application(fixture_template)
    assert set(app.functions) == {
        "HelloFunction",
        "OnUploadFunction",
        "OnChangeFunction",
        "WorkerFunction",
        "OrderedWorkerFunction",
    }
    hello = app.functions["HelloFunction"]
    assert hello.handler == "app.handler"
    assert hello.handler_file == FIXTURES / "functions" / "hello" / "app.py"
    assert hello.timeout_seconds == 10
    assert hello.memory_mb == 256
    assert hello.layer_dirs == [REPO / "layers" / "common"]
    assert {r.route_key for r in hello.routes} == {
        "GET /api/health",
        "GET /hello/{name}",
        "POST /echo",
        "GET /boom",
        "GET /raw",
        "ANY /things/{proxy+}",
        "PUT /store/{prefix}",
    }

    upload = app.functions["OnUploadFunction"]
    (s3,) = upload.s3_triggers
    assert s3.bucket == "UploadsBucket"
    assert s3.events == ("s3:ObjectCreated:*",)
    assert s3.filter_rules == (("prefix", "incoming/"), ("suffix", ".pdf"))
    assert upload.async_config.maximum_retry_attempts == 1
    assert upload.async_config.on_failure == {"Fn::GetAtt": ["FailureQueue", "Arn"]}

    change = app.functions["OnChangeFunction"]
    (stream,) = change.stream_triggers
    assert stream.table == "ItemsTable"
    assert stream.starting_position == "LATEST"
    assert stream.batch_size == 10
    assert stream.report_batch_item_failures is True
    assert stream.maximum_retry_attempts == 2
    assert stream.bisect_on_error is True
    assert stream.filter_patterns == (
        {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["Export"]}}}},
    )


def test_sqs_event_sources(fixture_template: Template) -> None:
    app = load_application(fixture_template)
    (sqs,) = app.functions["WorkerFunction"].sqs_triggers
    assert sqs.queue == "WorkQueue"
    assert sqs.batch_size == 5
    assert sqs.report_batch_item_failures is True
    assert sqs.filter_patterns == ({"body": {"kind": ["job"]}},)


def test_environment_merges_globals_and_resolves_after_creation(fixture_template: Template) -> None:
    app = load_application(fixture_template)
    # The queue's URL (its Ref) is known only once it exists.
    with pytest.raises(NotReadyError):
        app.environment()
    fixture_template.set_attribute("WorkQueue", "QueueUrl", "http://127.0.0.1:9/123456789012/work")
    environment = app.environment()
    assert environment == {
        "TABLE_NAME": "recordengine-local-ItemsTable",
        "BUCKET_NAME": "recordengine-local-uploads-123456789012",
        "WORK_QUEUE_URL": "http://127.0.0.1:9/123456789012/work",
        "MAX_ITEMS": "25",
        "STAGE_LABEL": "dev-us-east-1",
        "GREETING": "hello",
    }


def test_conflicting_environment_values_fail_clearly(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.py").write_text("def handler(event, context):\n    return None\n")
    template = make_template(
        """
        Globals:
          Function:
            Handler: app.handler
            Environment:
              Variables:
                SHARED: same
        Resources:
          A:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: a/
              Environment: {Variables: {MODE: fast}}
          B:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: b/
              Environment: {Variables: {MODE: slow}}
        """,
        tmp_path,
    )
    app = load_application(template)
    with pytest.raises(TemplateError, match=r"MODE is 'fast' for A but 'slow' for B"):
        app.environment()


def test_template_problems_are_reported_with_the_function(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    base = """
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: {code}
          Handler: app.handler
    """
    with pytest.raises(TemplateError, match="Fn: CodeUri"):
        load_application(make_template(base.format(code="missing/"), tmp_path))
    with pytest.raises(TemplateError, match="handler file"):
        load_application(make_template(base.format(code="fn/"), tmp_path))


def test_the_project_template_if_present() -> None:
    """The real template.yaml reads as an application (routes, the S3 event, no env conflicts)."""
    path = REPO / "template.yaml"
    if not path.exists():
        pytest.skip("template.yaml not written yet")
    template = Template.load(path)
    app = load_application(template)
    keys = {route.route_key for route in app.routes}
    assert "GET /api/health" in keys
    assert "POST /api/documents/upload" in keys
    assert any(fn.s3_triggers for fn in app.functions.values())
