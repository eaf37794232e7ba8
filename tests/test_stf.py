"""The STF registry through GraphQL: idempotent registration, versions, deprecation, validation,
filters and ordering, and who may register or change what."""

from __future__ import annotations

import uuid

from models.outbox import OutboxEvent
from tests.debug_support import contributor_key, stf_input

STF_FIELDS = """id name version isLatest status qualityScore tags language codeSha256
  codePointer { repository commitSha filePath lineStart lineEnd } contributor { id handle } deprecationReason"""
REGISTER = f"""mutation R($input: StfRegisterInput!) {{
  stfRegister(input: $input) {{ created stf {{ {STF_FIELDS} }} userErrors {{ field message code }} }}
}}"""
UPDATE = f"""mutation U($input: StfUpdateInput!) {{
  stfUpdate(input: $input) {{ stf {{ {STF_FIELDS} }} userErrors {{ field message code }} }}
}}"""
DEPRECATE = f"""mutation D($input: StfDeprecateInput!) {{
  stfDeprecate(input: $input) {{ stf {{ {STF_FIELDS} }} userErrors {{ field message code }} }}
}}"""
GET = (
    f"query G($id: ID!) {{ stf(id: $id) {{ {STF_FIELDS} versions {{ totalCount edges {{ node {{ version }} }} }} }} }}"
)


async def _register(client, key, **overrides) -> dict:
    return (await client.execute(REGISTER, {"input": stf_input(**overrides)}, key=key))["stfRegister"]


async def test_registering_the_same_pointer_and_hash_returns_the_existing_stf(client, admin_key):
    contributor_id, key = await contributor_key(client, admin_key)
    given = stf_input()
    first = (await client.execute(REGISTER, {"input": given}, key=key))["stfRegister"]
    assert first["userErrors"] == [] and first["created"] is True
    stf = first["stf"]
    assert stf["version"] == 1 and stf["status"] == "DRAFT" and stf["contributor"]["id"] == contributor_id
    again = (await client.execute(REGISTER, {"input": given | {"name": "Another name"}}, key=key))["stfRegister"]
    assert again["created"] is False and again["stf"]["id"] == stf["id"] and again["stf"]["name"] == given["name"]
    pk = int(__import__("base64").urlsafe_b64decode(stf["id"]).decode().split(":")[1])
    events = await OutboxEvent.filter(name="stf.stf.registered.v1").all()
    assert [e.payload["stfId"] for e in events].count(pk) == 1
    other_line = given | {"codePointer": given["codePointer"] | {"lineEnd": 43}}
    third = (await client.execute(REGISTER, {"input": other_line}, key=key))["stfRegister"]
    assert third["created"] is True and third["stf"]["id"] != stf["id"]


async def test_update_makes_a_new_version_and_keeps_the_old_one_readable(client, admin_key):
    _, key = await contributor_key(client, admin_key)
    v1 = (await _register(client, key))["stf"]
    updated = (await client.execute(UPDATE, {"input": {"id": v1["id"], "name": "Retry with jitter",
                                                       "qualityScore": 0.8, "status": "ACTIVE"}}, key=key))["stfUpdate"]
    assert updated["userErrors"] == []
    v2 = updated["stf"]
    assert v2["id"] != v1["id"] and v2["version"] == 2 and v2["isLatest"] is True
    assert (v2["name"], v2["qualityScore"], v2["status"]) == ("Retry with jitter", 0.8, "ACTIVE")
    assert v2["codeSha256"] == v1["codeSha256"]
    old = (await client.execute(GET, {"id": v1["id"]}))["stf"]
    assert (old["version"], old["isLatest"], old["name"]) == (1, False, v1["name"])
    assert [e["node"]["version"] for e in old["versions"]["edges"]] == [2, 1]
    stale = (await client.execute(UPDATE, {"input": {"id": v1["id"], "name": "x"}}, key=key))["stfUpdate"]
    assert stale["stf"] is None and stale["userErrors"][0]["code"] == "NOT_LATEST"
    same = (await client.execute(UPDATE, {"input": {"id": v2["id"], "name": "Retry with jitter"}}, key=key))[
        "stfUpdate"
    ]
    assert same["userErrors"][0]["code"] == "NO_CHANGE"


async def test_only_the_registrant_or_an_admin_changes_an_stf_and_deprecation_is_final(client, admin_key):
    _, owner = await contributor_key(client, admin_key)
    _, other = await contributor_key(client, admin_key)
    stf = (await _register(client, owner))["stf"]
    denied = (await client.execute(DEPRECATE, {"input": {"id": stf["id"], "reason": "mine now"}}, key=other))[
        "stfDeprecate"
    ]
    assert denied["stf"] is None and denied["userErrors"][0]["code"] == "FORBIDDEN"
    empty = (await client.execute(DEPRECATE, {"input": {"id": stf["id"], "reason": " "}}, key=owner))["stfDeprecate"]
    assert empty["userErrors"][0]["field"] == "reason"
    done = (await client.execute(DEPRECATE, {"input": {"id": stf["id"], "reason": "superseded by httpx retries"}},
                                 key=owner))["stfDeprecate"]
    assert done["stf"]["status"] == "DEPRECATED" and done["stf"]["deprecationReason"] == "superseded by httpx retries"
    after = (await client.execute(UPDATE, {"input": {"id": stf["id"], "name": "revived"}}, key=admin_key))["stfUpdate"]
    assert after["userErrors"][0]["code"] == "DEPRECATED"


async def test_bad_input_is_a_user_error_naming_the_field(client, admin_key):
    _, key = await contributor_key(client, admin_key)
    base = stf_input()
    pointer = base["codePointer"]
    cases = [
        ({"codePointer": pointer | {"commitSha": "abc123"}}, "codePointer.commitSha"),
        ({"codePointer": pointer | {"commitSha": "g" * 40}}, "codePointer.commitSha"),
        ({"codePointer": pointer | {"lineStart": 50, "lineEnd": 10}}, "codePointer.lineEnd"),
        ({"codePointer": pointer | {"lineStart": 0}}, "codePointer.lineStart"),
        ({"codePointer": pointer | {"filePath": "../etc/passwd"}}, "codePointer.filePath"),
        ({"name": "   "}, "name"),
        ({"tags": ["Not A Tag"]}, "tags"),
        ({"codeSha256": "xyz"}, "codeSha256"),
        ({"qualityScore": 1.5}, "qualityScore"),
        ({"language": "Python 3"}, "language"),
        ({"status": "VERIFIED"}, "status"),
    ]
    for overrides, field in cases:
        payload = (await client.execute(REGISTER, {"input": base | overrides}, key=key))["stfRegister"]
        assert payload["stf"] is None and payload["userErrors"][0]["field"] == field, (overrides, payload)


async def test_who_registers_an_stf(client, admin_key, agent_key):
    no_contributor = (await client.execute(REGISTER, {"input": stf_input()}, key=agent_key))["stfRegister"]
    assert no_contributor["userErrors"][0] == {"field": "contributor", "code": "NO_CONTRIBUTOR",
                                               "message": no_contributor["userErrors"][0]["message"]}
    contributor_id, key = await contributor_key(client, admin_key)
    on_behalf = (await client.execute(REGISTER, {"input": stf_input(contributor=contributor_id)}, key=admin_key))
    assert on_behalf["stfRegister"]["stf"]["contributor"]["id"] == contributor_id
    other_id, _ = await contributor_key(client, admin_key)
    impersonate = (await client.execute(REGISTER, {"input": stf_input(contributor=other_id)}, key=key))["stfRegister"]
    assert impersonate["userErrors"][0]["code"] == "FORBIDDEN"
    anonymous = await client.post(REGISTER, {"input": stf_input()})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_filters_search_and_order(client, admin_key):
    contributor_id, key = await contributor_key(client, admin_key)
    tag = f"t{uuid.uuid4().hex[:8]}"
    word = uuid.uuid4().hex[:8]
    made = []
    for i, (quality, status) in enumerate([(0.2, "ACTIVE"), (0.9, "ACTIVE"), (0.5, "DRAFT")]):
        made.append((await _register(client, key, name=f"Fix {word.upper()} number {i}", tags=[tag, "python"],
                                     qualityScore=quality, status=status))["stf"])
    await _register(client, key, description=f"mentions {word} in the description", tags=["other"])
    query = """query S($f: StfFilter, $o: StfOrder, $first: Int, $after: String) {
      stfs(filter: $f, orderBy: $o, first: $first, after: $after) {
        totalCount edges { node { name qualityScore } } pageInfo { hasNextPage endCursor } } }"""
    by_tag = (await client.execute(query, {"f": {"tags": [tag], "status": "ACTIVE"},
                                           "o": {"field": "QUALITY", "direction": "DESC"}}))["stfs"]
    assert by_tag["totalCount"] == 2 and [e["node"]["qualityScore"] for e in by_tag["edges"]] == [0.9, 0.2]
    searched = (await client.execute(query, {"f": {"search": word}}))["stfs"]
    assert searched["totalCount"] == 4  # three names (any case) and one description
    page = (await client.execute(query, {"f": {"tags": [tag], "contributor": contributor_id},
                                         "o": {"field": "CREATED", "direction": "ASC"}, "first": 2}))["stfs"]
    assert [e["node"]["name"] for e in page["edges"]] == [made[0]["name"], made[1]["name"]]
    rest = (await client.execute(query, {"f": {"tags": [tag], "contributor": contributor_id},
                                         "o": {"field": "CREATED", "direction": "ASC"}, "first": 2,
                                         "after": page["pageInfo"]["endCursor"]}))["stfs"]
    assert [e["node"]["name"] for e in rest["edges"]] == [made[2]["name"]] and not rest["pageInfo"]["hasNextPage"]
    bad = await client.post(query, {"f": {"tags": ["Bad Tag"]}})
    assert "filter.tags" in bad.json()["errors"][0]["message"]
