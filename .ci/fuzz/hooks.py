"""Schemathesis extensions for .ci/fuzz-api: one check the built-in ones lack, and one hook that
keeps generated idempotency keys from colliding across unrelated requests."""

import re
import uuid

import schemathesis

PROBLEM_JSON = "application/problem+json"


@schemathesis.check
def problem_json_for_4xx(ctx, response, case):
    """Every 4xx is an RFC 9457 problem: `application/problem+json` with `type`, `title` and
    the response's own `status` (docs/API-DESIGN.md)."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type") or [""]
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    essence = content_type.split(";")[0].strip().lower()
    if essence != PROBLEM_JSON:
        raise AssertionError(
            f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
        )
    try:
        body = response.json()
    except Exception as error:  # noqa: BLE001 - any parse failure is the finding
        raise AssertionError(f"the problem is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise AssertionError("the problem is not a JSON object")
    for member in ("type", "title", "status"):
        if member not in body:
            raise AssertionError(f"the problem has no `{member}`")
    if body["status"] != response.status_code:
        raise AssertionError(
            f"the problem says status {body['status']}, the response is {response.status_code}"
        )
    return None


# What the idempotency layer accepts (docs/API-DESIGN.md): 1-255 visible ASCII characters.
VALID_KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    """Makes each valid `Idempotency-Key` unique to its request. The generator draws keys from a
    small space ("0", the documented example, 255 zeros), so unrelated requests would share one;
    the API then answers the second with the first one's replay or a 422 mismatch, which is the
    layer working as documented but hides what the operation itself does. Invalid keys are left
    as they are, so the 400 for them is still tested; the length is kept, so the 255 limit is."""
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() != "idempotency-key":
            continue
        key = headers[name]
        if not isinstance(key, str) or not VALID_KEY.match(key):
            continue
        suffix = "." + uuid.uuid4().hex
        if len(key) + len(suffix) <= 255:
            headers[name] = key + suffix
        elif len(key) > len(suffix):
            headers[name] = key[: len(key) - len(suffix)] + suffix
