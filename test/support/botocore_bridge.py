"""Bridge to botocore's own protocol code, for round-trip tests of Stratus's protocol layer.

Reads one JSON request per line on stdin and answers one JSON line each:
  {"do": "serialize", "service", "operation", "params"}  -> the HTTP request botocore would send
  {"do": "parse", "service", "operation", "status", "headers", "body"} -> what botocore parses
Values botocore cannot put in JSON (datetimes, bytes) are rendered as strings.
"""
import base64
import datetime
import json
import sys

import botocore.session
from botocore import parsers, serialize
from botocore.model import OperationModel

session = botocore.session.get_session()
models = {}


def op_model(service, operation):
    if service not in models:
        models[service] = session.get_service_model(service)
    return models[service].operation_model(operation)


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat()
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def decode_params(value):
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        if set(value) == {"$date"}:
            return datetime.datetime.fromisoformat(value["$date"])
        return {k: decode_params(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_params(v) for v in value]
    return value


for line in sys.stdin:
    msg = json.loads(line)
    model = op_model(msg["service"], msg["operation"])
    protocol = model.metadata["protocol"]
    try:
        if msg["do"] == "serialize":
            request = serialize.create_serializer(protocol, include_validation=False).serialize_to_request(
                decode_params(msg["params"]), model)
            body = request["body"]
            if isinstance(body, dict):
                from urllib.parse import urlencode
                body = urlencode(body)
            if isinstance(body, bytes):
                body = body.decode("utf-8", "replace")
            out = {"method": request["method"], "url_path": request["url_path"],
                   "query": request["query_string"] if isinstance(request["query_string"], dict) else {},
                   "headers": {k: str(v) for k, v in request["headers"].items()}, "body": body or ""}
        else:
            parser = parsers.create_parser(protocol)
            response = {"status_code": msg["status"], "headers": msg["headers"],
                        "body": msg["body"].encode("utf-8")}
            shape = model.output_shape
            out = plain(parser.parse(response, shape))
        print(json.dumps({"ok": out}), flush=True)
    except Exception as exc:  # noqa: BLE001 - report to the test
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
