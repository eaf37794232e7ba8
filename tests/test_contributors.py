"""Contributors: registration with validation, an optional key of the matching role, lookups."""

from __future__ import annotations

import uuid

REGISTER = """mutation R($input: ContributorRegisterInput!) {
  contributorRegister(input: $input) {
    contributor { id handle kind expertise reputation }
    apiKey
    userErrors { field message code }
  }
}"""


def _handle() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


async def test_register_an_agent_with_a_key(client, admin_key):
    handle = _handle()
    payload = (await client.execute(REGISTER, {"input": {"handle": handle, "kind": "AGENT",
               "expertise": ["python", "postgres", "python"], "issueKey": True}}, key=admin_key))["contributorRegister"]
    assert payload["userErrors"] == []
    assert payload["contributor"]["expertise"] == ["python", "postgres"]
    assert payload["contributor"]["reputation"] == "1.000000"
    viewer = (await client.execute("{ viewer { role contributor { handle kind } } }", key=payload["apiKey"]))["viewer"]
    assert viewer == {"role": "AGENT", "contributor": {"handle": handle, "kind": "AGENT"}}
    found = (await client.execute("query C($h: String!) { contributor(handle: $h) { id } }", {"h": handle}))
    assert found["contributor"]["id"] == payload["contributor"]["id"]


async def test_register_without_a_key(client, admin_key):
    payload = (await client.execute(REGISTER, {"input": {"handle": _handle(), "kind": "HUMAN"}},
                                    key=admin_key))["contributorRegister"]
    assert payload["apiKey"] is None and payload["contributor"]["kind"] == "HUMAN"


async def test_bad_handles_and_tags_name_the_field(client, admin_key):
    cases = [({"handle": "AB", "kind": "HUMAN"}, "handle"),
             ({"handle": "has space", "kind": "HUMAN"}, "handle"),
             ({"handle": "x" * 33, "kind": "HUMAN"}, "handle"),
             ({"handle": _handle(), "kind": "HUMAN", "expertise": ["Not OK"]}, "expertise"),
             ({"handle": _handle(), "kind": "HUMAN", "expertise": [f"t{i}" for i in range(21)]}, "expertise")]
    for given, field in cases:
        payload = (await client.execute(REGISTER, {"input": given}, key=admin_key))["contributorRegister"]
        assert payload["contributor"] is None
        assert payload["userErrors"][0]["field"] == field, given


async def test_taken_handle_is_a_duplicate_and_issues_no_key(client, admin_key):
    handle = _handle()
    await client.execute(REGISTER, {"input": {"handle": handle, "kind": "HUMAN"}}, key=admin_key)
    payload = (await client.execute(REGISTER, {"input": {"handle": handle, "kind": "AGENT", "issueKey": True}},
                                    key=admin_key))["contributorRegister"]
    assert payload["userErrors"][0]["code"] == "DUPLICATE" and payload["apiKey"] is None


async def test_contributors_filter_by_kind_and_expertise(client, admin_key):
    tag = f"t{uuid.uuid4().hex[:8]}"
    for kind in ("AGENT", "AGENT", "HUMAN"):
        await client.execute(
            REGISTER, {"input": {"handle": _handle(), "kind": kind, "expertise": [tag]}}, key=admin_key
        )
    page = (await client.execute('query Q($t: String!) { contributors(kind: AGENT, expertise: $t) { totalCount } }',
                                 {"t": tag}))["contributors"]
    assert page["totalCount"] == 2
