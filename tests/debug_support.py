"""Helpers for the debug-loop tests: contributors with keys, STF inputs, unique model names."""

from __future__ import annotations

import hashlib
import uuid

from tests.support import GraphQLClient

REGISTER_CONTRIBUTOR = """mutation R($input: ContributorRegisterInput!) {
  contributorRegister(input: $input) { contributor { id handle } apiKey userErrors { field message } }
}"""


async def contributor_key(client: GraphQLClient, admin_key: str, kind: str = "AGENT") -> tuple[str, str]:
    """A new contributor with an API key: (its global id, the key)."""
    payload = (await client.execute(REGISTER_CONTRIBUTOR, {"input": {
        "handle": f"c-{uuid.uuid4().hex[:12]}", "kind": kind, "issueKey": True}}, key=admin_key))["contributorRegister"]
    assert payload["userErrors"] == []
    return payload["contributor"]["id"], payload["apiKey"]


def stf_input(**overrides) -> dict:
    code = uuid.uuid4().hex
    base = {"name": "Add retry to HTTP client", "description": "Wraps requests in exponential backoff",
            "language": "python", "tags": ["http", "retry"],
            "codePointer": {"repository": "github.com/acme/tools", "commitSha": hashlib.sha1(code.encode()).hexdigest(),
                            "filePath": "src/retry.py", "lineStart": 10, "lineEnd": 42},
            "codeSha256": hashlib.sha256(code.encode()).hexdigest()}
    return base | overrides


def unique_model() -> str:
    return f"model-{uuid.uuid4().hex[:10]}"
