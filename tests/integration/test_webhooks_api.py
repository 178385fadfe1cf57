"""/api/webhooks on moto: registration, the secret shown once, deletion, delivery attempts, sending again,
410, redirects, and the Standard Webhooks signature checked by the official library."""

import base64
import json

import pytest
from standardwebhooks import Webhook as StandardWebhook

from tests.support.documents import invoice_pdf
from tests.support.webhooks import Pump, Receiver, configure


@pytest.fixture
def hooks(stack, monkeypatch):
    configure(monkeypatch)
    return stack


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def register(stack, url, **extra):
    r = stack.request("POST", "/api/webhooks", json_body={"url": url, **extra})
    assert r.status == 201, r.body
    return r.json()


def export_document(stack, contact, folder, refs=None):
    fields = {"contact_id": contact["id"], "folder_id": folder["id"]}
    if refs is not None:
        fields["external_refs"] = json.dumps(refs)
    r = stack.upload(invoice_pdf(), fields=fields)
    assert r.status == 201, r.body
    doc_id = r.json()["id"]
    stack.deliver_s3_events()  # only an extracted document may go to Export
    r = stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Export"})
    assert r.status == 200, r.body
    return doc_id


def test_register_list_delete(hooks, receiver):
    created = register(hooks, receiver.url, description="CRM connector")
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["enabled"] is True and created["description"] == "CRM connector" and created["created_at"]
    listed = hooks.request("GET", "/api/webhooks").json()
    assert listed["total"] == 1 and listed["webhooks"][0]["id"] == created["id"]
    assert "secret" not in listed["webhooks"][0], "the secret is shown once"
    assert hooks.request("DELETE", f"/api/webhooks/{created['id']}").status == 204
    assert hooks.request("DELETE", f"/api/webhooks/{created['id']}").status == 404
    assert hooks.request("DELETE", "/api/webhooks/abc").status == 404
    assert hooks.request("GET", "/api/webhooks").json()["total"] == 0


def test_webhooks_need_the_token(hooks):
    assert hooks.request("GET", "/api/webhooks", token=None).status == 401
    assert hooks.request("POST", "/api/webhooks", json_body={"url": "https://a.example"}, token=None).status == 401


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "not a url", "ftp://example.com/", "", "http://"]
)
def test_only_http_urls(hooks, url):
    assert hooks.request("POST", "/api/webhooks", json_body={"url": url}).status == 422


def test_addresses_that_are_not_global_and_invalid_ports_are_refused(hooks):
    for url in [
        "http://[fec0::1]/",
        "http://[fec0::1]:8080/hook",
        "http://[::ffff:0:a9fe:a9fe]/",
        "http://[3fff::1]/",
        "http://192.0.0.8/",
        "http://192.88.99.1/",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::ffff:169.254.169.254]/",
        "http://2852039166/",  # 169.254.169.254 in decimal
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://0251.0376.0251.0376/",
        "http://93.184.215.14:0/",
        "http://93.184.215.14:00/",
        "https://93.184.215.14:65536/",
        "https://93.184.215.14:99999999/",
        "https://93.184.215.14:-1/",
    ]:
        r = hooks.request("POST", "/api/webhooks", json_body={"url": url})
        assert r.status == 422, (url, r.status, r.body)
        assert r.json()["detail"]
    assert hooks.request("GET", "/api/webhooks").json()["total"] == 0


def test_loopback_is_refused_unless_allowed(stack, monkeypatch, receiver):
    configure(monkeypatch, WEBHOOK_ALLOW_LOOPBACK="false")
    r = stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
    assert r.status == 422 and "loopback" in r.json()["detail"]


def test_export_is_delivered_signed_and_recorded(hooks, contact, folder):
    verified = []
    holder = {}

    def behaviour(n, headers, body):
        # The official library raises on a bad signature or an old timestamp.
        verified.append(StandardWebhook(holder["secret"]).verify(body, headers))
        return 204

    receiver = Receiver(behaviour)
    try:
        hook = register(hooks, receiver.url)
        holder["secret"] = hook["secret"]
        pump = Pump(hooks)
        doc_id = export_document(hooks, contact, folder, {"salesforce": {"record_id": "001Qy00000BnXt2IAF"}})
        pump.run()
        assert len(receiver.requests) == 1 and len(verified) == 1
        event = verified[0]
        assert event["type"] == "document.exported" and event["timestamp"].endswith("Z")
        assert event["schema_version"] == 2
        assert event["data"] == hooks.document(doc_id), "the full GET /api/documents/{id} record"
        deliveries = hooks.request("GET", f"/api/webhooks/{hook['id']}/deliveries").json()
        assert deliveries["total"] == 1
        attempt = deliveries["deliveries"][0]
        assert attempt["status"] == "succeeded" and attempt["response_status"] == 204 and attempt["attempt"] == 1
        assert attempt["event_id"] == receiver.requests[0].webhook_id and attempt["document_id"] == doc_id
        assert hooks.request("GET", "/api/webhooks/999/deliveries").status == 404
    finally:
        receiver.close()


def test_the_event_carries_the_record_as_a_person_corrected_it(hooks, contact, folder, receiver):
    register(hooks, receiver.url)
    pump = Pump(hooks)
    r = hooks.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    doc_id = r.json()["id"]
    hooks.deliver_s3_events()
    corrected = {"extracted_fields": {"vendor": "Acme Corporation SA"}, "notes": "Vendor name checked"}
    assert hooks.request("PATCH", f"/api/documents/{doc_id}", json_body=corrected).status == 200
    assert hooks.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Export"}).status == 200
    pump.run()
    (request,) = receiver.requests
    event = json.loads(request.body)
    assert event["schema_version"] == 2
    assert event["data"]["extracted_fields"]["vendor"] == "Acme Corporation SA"
    assert event["data"]["field_sources"]["vendor"] == "corrected"
    assert event["data"]["field_sources"]["total_amount"] == "extracted"
    assert event["data"]["notes"] == "Vendor name checked"
    assert event["data"] == hooks.document(doc_id)


def test_erasing_a_document_erases_the_events_that_carried_its_record(hooks, contact, folder, receiver):
    import boto3

    register(hooks, receiver.url)
    pump = Pump(hooks)
    doc_id = export_document(hooks, contact, folder)
    pump.run()
    assert len(receiver.requests) == 1

    def items_with_the_record():
        items = boto3.client("dynamodb").scan(TableName=hooks.table)["Items"]
        # The invoice's number is in the record, and in nothing else the table holds.
        return [item["pk"]["S"] for item in items if "INV-2025-1147" in json.dumps(item)]

    assert any(pk.startswith("WEBHOOK_EVENT#") for pk in items_with_the_record())
    assert hooks.request("DELETE", f"/api/documents/{doc_id}").status == 204
    assert items_with_the_record() == []
    assert hooks.request("GET", f"/api/webhooks/{1}/deliveries").json()["total"] == 1, "the attempts stay"


def test_a_failed_delivery_is_retried_then_sent_again_on_request(hooks, contact, folder, monkeypatch):
    configure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="0,0")
    receiver = Receiver(lambda n, h, b: 500 if n < 3 else 200)
    try:
        hook = register(hooks, receiver.url)
        pump = Pump(hooks)
        export_document(hooks, contact, folder)
        pump.run()
        assert [r.answer for r in receiver.requests] == [500, 500, 500]
        assert len({r.webhook_id for r in receiver.requests}) == 1
        dead = pump.dead_letters()
        assert len(dead) == 1 and dead[0]["attempts"] == 3
        deliveries = hooks.request("GET", f"/api/webhooks/{hook['id']}/deliveries").json()["deliveries"]
        assert [d["attempt"] for d in deliveries] == [3, 2, 1]
        assert [d["trigger"] for d in deliveries] == ["retry", "retry", "stream"]
        assert deliveries[-1]["next_attempt_at"] is not None and deliveries[0]["next_attempt_at"] is None
        r = hooks.request("POST", f"/api/webhooks/deliveries/{deliveries[0]['id']}/retry")
        assert r.status == 200, r.body
        assert r.json()["status"] == "succeeded" and r.json()["trigger"] == "manual"
        assert receiver.requests[-1].webhook_id == receiver.requests[0].webhook_id
        assert hooks.request("POST", "/api/webhooks/deliveries/9999/retry").status == 404
    finally:
        receiver.close()


def test_410_disables_the_endpoint(hooks, contact, folder):
    receiver = Receiver(lambda n, h, b: 410)
    try:
        hook = register(hooks, receiver.url)
        pump = Pump(hooks)
        export_document(hooks, contact, folder)
        pump.run()
        export_document(hooks, contact, folder)
        pump.run()
        assert len(receiver.requests) == 1, "no retry after 410, and nothing more to a disabled endpoint"
        listed = hooks.request("GET", "/api/webhooks").json()["webhooks"][0]
        assert listed["id"] == hook["id"] and listed["enabled"] is False and "410" in listed["disabled_reason"]
    finally:
        receiver.close()


def test_redirects_are_not_followed(hooks, contact, folder, monkeypatch):
    configure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="")
    target = Receiver()
    redirecting = Receiver(lambda n, h, b: 307)
    try:
        register(hooks, redirecting.url)
        pump = Pump(hooks)
        export_document(hooks, contact, folder)
        pump.run()
        assert len(redirecting.requests) == 1 and not target.requests
        assert len(pump.dead_letters()) == 1, "a redirect is a failure"
    finally:
        target.close()
        redirecting.close()


def test_only_documents_entering_export_fire(hooks, contact, folder, receiver):
    register(hooks, receiver.url)
    pump = Pump(hooks)
    doc_id = export_document(hooks, contact, folder)
    # Export again (no transition), then other statuses: no event. Leaving Export and coming back: one more.
    for status in ("Export", "Approved", "Needs Review", "Export"):
        assert hooks.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": status}).status == 200
    pump.run()
    assert len(receiver.requests) == 2
    assert len({r.webhook_id for r in receiver.requests}) == 2


def test_documents_are_found_by_external_reference(stack, contact, folder):
    ref = {"salesforce": {"record_id": "001Qy00000BnXt2IAF", "record_type": "Opportunity"}}
    other = {"salesforce": {"record_id": "001Qy00000ZZZZZZZZ"}, "hubspot": {"record_id": 4711}}
    ids = []
    for refs in (ref, other, None, ref, ref):
        fields = {"contact_id": contact["id"], "folder_id": folder["id"]}
        if refs is not None:
            fields["external_refs"] = json.dumps(refs)
        ids.append(stack.upload(invoice_pdf(), fields=fields).json()["id"])
    page = stack.request("GET", "/api/documents", params={"external_ref": "salesforce:001Qy00000BnXt2IAF"}).json()
    assert page["total"] == 3 and [d["id"] for d in page["documents"]] == [ids[4], ids[3], ids[0]]
    page = stack.request(
        "GET", "/api/documents", params={"external_ref": "salesforce:001Qy00000BnXt2IAF", "limit": 1, "offset": 1}
    ).json()
    assert page["total"] == 3 and [d["id"] for d in page["documents"]] == [ids[3]]
    assert stack.request("GET", "/api/documents", params={"external_ref": "hubspot:4711"}).json()["total"] == 1
    assert stack.request("GET", "/api/documents", params={"external_ref": "salesforce:nope"}).json()["total"] == 0
    stack.request("PATCH", f"/api/documents/{ids[3]}/status", json_body={"status": "Approved"})
    page = stack.request(
        "GET", "/api/documents", params={"external_ref": "salesforce:001Qy00000BnXt2IAF", "status": "Approved"}
    ).json()
    assert page["total"] == 1 and page["documents"][0]["id"] == ids[3]
    for bad in ("salesforce", ":x", "salesforce:"):
        assert stack.request("GET", "/api/documents", params={"external_ref": bad}).status == 422


def test_the_reference_lookup_is_a_query(stack, contact, folder, monkeypatch):
    from tests.integration.test_list_queries import RecordingClient

    stack.upload(
        invoice_pdf(),
        fields={
            "contact_id": contact["id"],
            "folder_id": folder["id"],
            "external_refs": json.dumps({"salesforce": {"record_id": "A1"}}),
        },
    )
    from recordengine import wiring

    recording = RecordingClient(wiring.table().client)
    monkeypatch.setattr(wiring.table(), "client", recording)
    assert stack.request("GET", "/api/documents", params={"external_ref": "salesforce:A1"}).json()["total"] == 1
    assert "scan" not in recording.operations and "query" in recording.operations


def test_every_enabled_endpoint_receives_the_event(hooks, contact, folder):
    receivers = [Receiver(), Receiver(), Receiver()]
    try:
        hooks_ = [register(hooks, r.url) for r in receivers]
        assert hooks.request("DELETE", f"/api/webhooks/{hooks_[2]['id']}").status == 204
        pump = Pump(hooks)
        export_document(hooks, contact, folder)
        pump.run()
        assert [len(r.requests) for r in receivers] == [1, 1, 0]
        assert receivers[0].requests[0].webhook_id == receivers[1].requests[0].webhook_id
        # Each endpoint's signature is made with its own secret.
        for hook, receiver in zip(hooks_[:2], receivers, strict=False):
            request = receiver.requests[0]
            StandardWebhook(hook["secret"]).verify(request.body, request.headers)
    finally:
        for r in receivers:
            r.close()
