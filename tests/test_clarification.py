"""Clarification through GraphQL: requests, answers, quorum voting, deadlines, assumptions, stats,
and live updates over WebSocket (with Redis between replicas)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from models.auth import Role
from models.clarification import ClarificationTicket
from models.contributors import Contributor, ContributorKind
from models.outbox import OutboxEvent
from services.clarification.ambiguity import rule_questions
from services.clarification.tickets import FALLBACK_DEFAULT_MODEL, configure, detector_defaults
from services.contributors import register
from services.search.embedding import get_embedder
from tests.conftest import RUNNING, make_key, start_server, stop_server
from tests.support import GraphQLClient, GraphQLWebSocket

POSTGRES_TASK = "Connect to Postgres and copy the orders table."  # host, port and credentials, all with defaults
REFERENT_TASK = "Fix the bug the customer reported yesterday."  # no rule explains it: only the estimator flags it
BLOCKED_TASK = "Use no database; store the sessions in Postgres."  # a contradiction: blocking, no default

TICKET_FIELDS = """id correlationId status panelSize deadlineAt decidedAt updatesCursor
  questions { id kind severity answerType choices safeDefault span { start end text } answer { value answeredBy } }
  answers { questionId value answeredBy answeredAt }
  panel { contributor { handle } weight vote { choice confidence weight } }
  progress { votesCast panelSize agreeWeight disagreeWeight agreement quorumReached decision }
  assumptions { id questionId value status }"""
REQUEST = f"""mutation R($input: ClarificationRequestInput!) {{
  clarificationRequest(input: $input) {{ ambiguous reason estimate {{ score threshold underspecified reason model }}
    ticket {{ {TICKET_FIELDS} }} userErrors {{ field message code }} }}
}}"""
ANSWER = f"""mutation A($input: ClarificationAnswerInput!) {{
  clarificationAnswer(input: $input) {{ ticket {{ {TICKET_FIELDS} }} userErrors {{ field message code }} }}
}}"""
VOTE = """mutation V($input: ClarificationVoteCastInput!) {
  clarificationVoteCast(input: $input) {
    vote { voter choice confidence weight comment }
    progress { votesCast panelSize agreeWeight disagreeWeight agreement quorumReached decision }
    ticket { status decidedAt assumptions { id questionId value status } }
    userErrors { field message code }
  }
}"""
TICKET = f"query T($id: ID!) {{ clarificationTicket(id: $id) {{ {TICKET_FIELDS} }} }}"
OVERRIDE = """mutation O($input: AssumptionOverrideInput!) {
  assumptionOverride(input: $input) {
    assumption { id status value defaultValue reason history { previousValue value reason changedBy changedAt } }
    userErrors { field message code }
  }
}"""
UPDATES = """subscription U($ticketId: ID, $correlationId: String, $after: String) {
  clarificationUpdates(ticketId: $ticketId, correlationId: $correlationId, after: $after) {
    __typename
    ... on ClarificationUpdateFields { cursor ticketId correlationId at }
    ... on TicketCreated { status panel questions { id kind } }
    ... on AnswerRecorded { answers { questionId value answeredBy } answeredCount questionCount }
    ... on VoteCast { voter choice confidence weight progress { votesCast panelSize agreeWeight disagreeWeight
      agreement quorumReached decision } }
    ... on TicketDecided { status progress { decision votesCast } assumptions { assumptionId questionId value } }
    ... on TicketTimedOut { status blockingUnanswered assumptions { questionId value } }
    ... on AssumptionOverridden { assumptionId questionId previousValue value reason overriddenBy }
  }
}"""


class Agent:
    def __init__(self, contributor: Contributor, key: str) -> None:
        self.contributor = contributor
        self.key = key
        self.handle = contributor.handle


async def make_agents(n: int, tags: list[str], reputations: list[str] | None = None) -> list[Agent]:
    agents = []
    for i in range(n):
        contributor, key = await register(f"a-{uuid.uuid4().hex[:12]}", ContributorKind.AGENT, tags, issue_key=True)
        if reputations:
            await Contributor.filter(id=contributor.id).update(reputation=Decimal(reputations[i]))
        agents.append(Agent(contributor, key))
    return agents


def tag() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def corr() -> str:
    return f"task-{uuid.uuid4().hex[:10]}"


async def request_ticket(client: GraphQLClient, key: str, tags: list[str], prompt: str = POSTGRES_TASK,
                         panel_size: int = 3, correlation_id: str | None = None, **extra) -> dict:
    payload = (await client.execute(REQUEST, {"input": {
        "correlationId": correlation_id or corr(), "prompt": prompt, "domainTags": tags, "panelSize": panel_size,
        **extra}}, key=key))["clarificationRequest"]
    assert payload["userErrors"] == [] and payload["ambiguous"] is True, payload
    return payload


async def open_ticket(client: GraphQLClient, key: str, tags: list[str], prompt: str = POSTGRES_TASK,
                      panel_size: int = 3, correlation_id: str | None = None, **extra) -> dict:
    return (await request_ticket(client, key, tags, prompt, panel_size, correlation_id, **extra))["ticket"]


async def vote(client: GraphQLClient, agent: Agent, ticket_id: str, choice: str, confidence: str = "1",
               comment: str | None = None) -> dict:
    return (await client.execute(VOTE, {"input": {"ticketId": ticket_id, "vote": choice, "confidence": confidence,
                                                  "comment": comment}}, key=agent.key))["clarificationVoteCast"]


async def wait_status(client: GraphQLClient, key: str, ticket_id: str, timeout: float = 15) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        ticket = (await client.execute(TICKET, {"id": ticket_id}, key=key))["clarificationTicket"]
        if ticket["status"] != "OPEN":
            return ticket
        assert asyncio.get_running_loop().time() < deadline, f"ticket still OPEN: {ticket}"
        await asyncio.sleep(0.1)


async def expire(global_ids: list[str]) -> None:
    from resolvers.relay import global_pk

    pks = [global_pk(g, "ClarificationTicket") for g in global_ids]
    await ClarificationTicket.filter(id__in=pks).update(deadline_at=datetime.now(timezone.utc) - timedelta(seconds=1))


# -- requests -----------------------------------------------------------------------------------

async def test_a_clear_task_opens_no_ticket(client, agent_key):
    payload = (await client.execute(REQUEST, {"input": {
        "correlationId": corr(), "prompt": "Add a unit test for parse_date in utils/dates.py covering leap years."}},
        key=agent_key))["clarificationRequest"]
    assert payload["ambiguous"] is False and payload["ticket"] is None and payload["userErrors"] == []
    assert "No vague terms, missing parameters or contradictions" in payload["reason"]
    estimate = payload["estimate"]
    assert estimate["underspecified"] is False and 0 <= estimate["score"] < estimate["threshold"] <= 1
    assert estimate["reason"].startswith("The estimator finds the task actionable as written")
    assert estimate["model"] in {"lexical", get_embedder().name}


async def test_an_ambiguous_task_opens_a_ticket_with_questions_and_a_panel(client, agent_key):
    t = tag()
    agents = await make_agents(4, [t])
    ticket = await open_ticket(client, agent_key, [t], deadlineSeconds=120)
    assert ticket["status"] == "OPEN" and ticket["panelSize"] == 3
    assert [q["id"] for q in ticket["questions"]] == ["q1", "q2", "q3"]  # the rules explain it: their questions only
    by_kind = {q["kind"]: q for q in ticket["questions"]}
    assert by_kind["MISSING_PORT"]["safeDefault"] == "5432" and by_kind["MISSING_PORT"]["answerType"] == "PORT"
    assert by_kind["MISSING_HOST"]["safeDefault"] == "localhost"
    assert by_kind["MISSING_PORT"]["span"] == {"start": 11, "end": 19, "text": "Postgres"}
    assert all(q["severity"] == "BLOCKING" for q in ticket["questions"])
    # equal overlap, no open panels, equal reputation: the oldest three, in order
    assert [s["contributor"]["handle"] for s in ticket["panel"]] == [a.handle for a in agents[:3]]
    assert ticket["progress"] == {"votesCast": 0, "panelSize": 3, "agreeWeight": "0", "disagreeWeight": "0",
                                  "agreement": None, "quorumReached": False, "decision": "PENDING"}
    created = datetime.fromisoformat(ticket["deadlineAt"])
    assert timedelta(seconds=110) < created - datetime.now(timezone.utc) <= timedelta(seconds=120)


async def test_a_task_the_rules_explain_carries_the_estimate_too(client, agent_key):
    t = tag()
    await make_agents(3, [t])
    payload = await request_ticket(client, agent_key, [t])
    assert payload["estimate"]["underspecified"] is True
    assert payload["estimate"]["score"] >= payload["estimate"]["threshold"]
    assert payload["reason"].startswith(payload["estimate"]["reason"]) and "3 missing parameters" in payload["reason"]


async def test_a_task_only_the_estimator_flags_asks_by_what_is_missing_and_goes_through_the_flow(client, agent_key):
    assert rule_questions(REFERENT_TASK, {}, detector_defaults()) == []  # no vague term, parameter or contradiction
    t = tag()
    agents = await make_agents(3, [t])
    payload = await request_ticket(client, agent_key, [t], prompt=REFERENT_TASK)
    assert payload["estimate"]["underspecified"] is True
    assert "references the repository cannot resolve" in payload["estimate"]["reason"]
    ticket = payload["ticket"]
    assert [(q["id"], q["kind"], q["severity"], q["safeDefault"], q["span"]) for q in ticket["questions"]] == [
        ("q1", "MISSING_REFERENT", "BLOCKING", None, {"start": 4, "end": 11, "text": "the bug"}),
        ("q2", "MISSING_REFERENT", "BLOCKING", None, {"start": 12, "end": 24, "text": "the customer"})]
    answered = (await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
        {"questionId": "q1", "value": "TICKET-812: CSV export drops the last row"},
        {"questionId": "q2", "value": "Acme Corp, who reported TICKET-812"}]}}, key=agent_key))["clarificationAnswer"]
    assert answered["userErrors"] == [] and len(answered["ticket"]["answers"]) == 2
    for agent in agents[:2]:
        decided = await vote(client, agent, ticket["id"], "AGREE", "1")
    assert decided["progress"]["decision"] == "APPROVED" and decided["ticket"]["status"] == "APPROVED"
    assert decided["ticket"]["assumptions"] == []  # every question answered: nothing assumed


async def test_the_estimator_threshold_is_a_setting(db_url, agent_key):
    strict = await start_server(db_url, clarify_estimator_threshold=0.999999)
    try:
        client = GraphQLClient(strict.url)
        payload = (await client.execute(REQUEST, {"input": {"correlationId": corr(), "prompt": POSTGRES_TASK}},
                                        key=agent_key))["clarificationRequest"]
        assert payload["estimate"]["threshold"] == 0.999999 and payload["estimate"]["underspecified"] is False
        assert payload["ambiguous"] is False and payload["ticket"] is None
        assert "not enough to hold the task" in payload["reason"]
    finally:
        await client.aclose()
        await stop_server(strict)
        configure(default_model=FALLBACK_DEFAULT_MODEL, estimator_threshold=None)


async def test_panel_choice_overlap_then_open_panels_then_reputation(client, agent_key):
    t1, t2 = tag(), tag()
    both, = await make_agents(1, [t1, t2])
    low, high, busy = await make_agents(3, [t1], reputations=["0.5", "2", "5"])
    others = await make_agents(2, [tag()], reputations=["9", "9"])  # no overlap: only when nobody else is left
    first = await open_ticket(client, agent_key, [t1, t2])
    assert [s["contributor"]["handle"] for s in first["panel"]] == [both.handle, busy.handle, high.handle]
    # `busy` and `high` and `both` now sit on an open panel each; `low` sits on none
    second = await open_ticket(client, agent_key, [t1, t2])
    assert [s["contributor"]["handle"] for s in second["panel"]] == [both.handle, low.handle, busy.handle]
    assert second["panel"][1]["weight"] == "0.500000"
    assert all(s["contributor"]["handle"] not in {o.handle for o in others} for s in second["panel"])


async def test_bad_requests_name_the_field_and_write_nothing(client, agent_key):
    correlation_id = corr()
    base = {"correlationId": correlation_id, "prompt": POSTGRES_TASK}
    cases = [({"prompt": "x" * 20_001}, "prompt"), ({"prompt": "   "}, "prompt"),
             ({"deadlineSeconds": 9}, "deadlineSeconds"), ({"deadlineSeconds": 86_401}, "deadlineSeconds"),
             ({"panelSize": 2}, "panelSize"), ({"panelSize": 6}, "panelSize"),
             ({"domainTags": ["Not A Tag"]}, "domainTags"), ({"knownParameters": [1, 2]}, "knownParameters"),
             ({"correlationId": "has space"}, "correlationId"), ({"correlationId": ""}, "correlationId")]
    for change, field in cases:
        payload = (await client.execute(REQUEST, {"input": base | change}, key=agent_key))["clarificationRequest"]
        assert payload["ticket"] is None and payload["ambiguous"] is None, change
        assert payload["userErrors"][0]["field"] == field, (change, payload)
    assert not await ClarificationTicket.filter(correlation_id=correlation_id).exists()
    anonymous = await client.post(REQUEST, {"input": base})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_fewer_than_three_eligible_agents_is_a_user_error(client, agent_key):
    saved = await Contributor.filter(kind=ContributorKind.AGENT).values_list("id", "reputation")
    try:
        await Contributor.filter(kind=ContributorKind.AGENT).update(reputation=Decimal(0))
        await make_agents(2, [tag()])
        correlation_id = corr()
        payload = (await client.execute(REQUEST, {"input": {"correlationId": correlation_id, "prompt": POSTGRES_TASK}},
                                        key=agent_key))["clarificationRequest"]
        assert payload["userErrors"][0]["code"] == "NOT_ENOUGH_AGENTS"
        assert payload["userErrors"][0]["field"] == "panelSize"
        assert not await ClarificationTicket.filter(correlation_id=correlation_id).exists()
    finally:
        for pk, reputation in saved:
            await Contributor.filter(id=pk).update(reputation=reputation)


# -- answers ------------------------------------------------------------------------------------

async def test_answers_are_checked_by_type_and_kept_with_who_and_when(client, agent_key, admin_key):
    t = tag()
    await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t], prompt=BLOCKED_TASK)
    kinds = {q["kind"]: q["id"] for q in ticket["questions"]}
    port, contradiction, creds = kinds["MISSING_PORT"], kinds["CONTRADICTION"], kinds["MISSING_CREDENTIALS"]
    assert ticket["questions"][0]["kind"] == "CONTRADICTION"  # blocking without default first
    bad = [
        ([{"questionId": port, "value": "70000"}], "answers[0].value"),
        ([{"questionId": port, "value": "54x"}], "answers[0].value"),
        ([{"questionId": port, "value": "5433"}, {"questionId": creds, "value": "a sticky note"}], "answers[1].value"),
        ([{"questionId": contradiction, "value": "  "}], "answers[0].value"),
        ([{"questionId": "q99", "value": "1"}], "answers[0].questionId"),
        ([{"questionId": port, "value": "1"}, {"questionId": port, "value": "2"}], "answers[1].questionId"),
        ([], "answers"),
    ]
    for answers, field in bad:
        payload = (await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": answers}},
                                        key=agent_key))["clarificationAnswer"]
        assert payload["ticket"] is None and payload["userErrors"][0]["field"] == field, (answers, payload)
    current = (await client.execute(TICKET, {"id": ticket["id"]}, key=agent_key))["clarificationTicket"]
    assert current["answers"] == []  # the valid first answer of a rejected batch was not kept

    stranger = await make_key(Role.AGENT)
    payload = (await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
        {"questionId": port, "value": "5433"}]}}, key=stranger))["clarificationAnswer"]
    assert payload["userErrors"][0]["code"] == "FORBIDDEN"

    payload = (await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
        {"questionId": port, "value": " 05433 "}, {"questionId": creds, "value": "SECRETS MANAGER"}]}},
        key=agent_key))["clarificationAnswer"]
    assert payload["userErrors"] == []
    answers = {a["questionId"]: a for a in payload["ticket"]["answers"]}
    assert answers[port]["value"] == "5433" and answers[creds]["value"] == "secrets manager"
    assert answers[port]["answeredBy"].startswith("agent-")
    assert datetime.fromisoformat(answers[port]["answeredAt"]) <= datetime.now(timezone.utc)
    payload = (await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
        {"questionId": contradiction, "value": "no database"}]}}, key=admin_key))["clarificationAnswer"]
    assert payload["userErrors"] == [] and len(payload["ticket"]["answers"]) == 3  # partial answers add up
    by_admin = next(a for a in payload["ticket"]["answers"] if a["questionId"] == contradiction)
    assert by_admin["answeredBy"].startswith("admin-")

    malformed = (await client.execute(ANSWER, {"input": {"ticketId": "nope", "answers": [
        {"questionId": port, "value": "1"}]}}, key=agent_key))["clarificationAnswer"]
    assert malformed["userErrors"][0]["field"] == "ticketId" and malformed["userErrors"][0]["code"] == "INVALID"


# -- quorum -------------------------------------------------------------------------------------

async def test_early_approval_closes_the_ticket_and_assumes_the_defaults(client, agent_key):
    t = tag()
    agents = await make_agents(5, [t])
    ticket = await open_ticket(client, agent_key, [t], panel_size=5)
    port = next(q["id"] for q in ticket["questions"] if q["kind"] == "MISSING_PORT")
    await client.execute(
        ANSWER, {"input": {"ticketId": ticket["id"], "answers": [{"questionId": port, "value": "6432"}]}}, key=agent_key
    )
    first = await vote(client, agents[0], ticket["id"], "AGREE", "0.9", "clear enough")
    assert first["vote"] == {"voter": agents[0].handle, "choice": "AGREE", "confidence": "0.900000",
                             "weight": "0.900000000000", "comment": "clear enough"}
    assert first["progress"]["decision"] == "PENDING" and first["ticket"]["status"] == "OPEN"
    second = await vote(client, agents[1], ticket["id"], "DISAGREE", "0.5")
    assert second["progress"]["quorumReached"] is False
    third = await vote(client, agents[2], ticket["id"], "AGREE", "1")
    assert third["progress"] == {"votesCast": 3, "panelSize": 5, "agreeWeight": "1.900000000000",
                                 "disagreeWeight": "0.500000000000", "agreement": "0.791667", "quorumReached": True,
                                 "decision": "APPROVED"}
    assert third["ticket"]["status"] == "APPROVED" and third["ticket"]["decidedAt"]
    assumed = {a["questionId"]: a for a in third["ticket"]["assumptions"]}
    assert port not in assumed and len(assumed) == 2  # the answered port needs no assumption
    assert {a["status"] for a in assumed.values()} == {"PROVISIONAL"}
    late = await vote(client, agents[3], ticket["id"], "DISAGREE")
    assert late["userErrors"][0]["code"] == "TICKET_CLOSED" and late["vote"] is None


async def test_early_rejection_when_060_is_out_of_reach(client, agent_key):
    t = tag()
    agents = await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t])
    assert (await vote(client, agents[0], ticket["id"], "DISAGREE"))["progress"]["decision"] == "PENDING"
    result = await vote(client, agents[1], ticket["id"], "DISAGREE", "0.7")
    assert result["progress"]["decision"] == "REJECTED" and result["ticket"]["status"] == "REJECTED"
    assert result["ticket"]["assumptions"] == []  # a rejected ticket proceeds on nothing


async def test_an_all_neutral_panel_rejects(client, agent_key):
    t = tag()
    agents = await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t])
    for agent in agents[:2]:
        result = await vote(client, agent, ticket["id"], "NEUTRAL")
        assert result["progress"]["decision"] == "PENDING" and result["progress"]["agreement"] is None
    result = await vote(client, agents[2], ticket["id"], "NEUTRAL")
    assert result["progress"]["decision"] == "REJECTED" and result["progress"]["votesCast"] == 3


async def test_reputation_weights_the_votes(client, agent_key):
    t = tag()
    heavy, light1, light2 = await make_agents(3, [t], reputations=["3", "1", "1"])
    ticket = await open_ticket(client, agent_key, [t])
    await vote(client, light1, ticket["id"], "DISAGREE")
    result = await vote(client, heavy, ticket["id"], "AGREE")
    assert result["progress"]["agreement"] == "0.750000" and result["progress"]["decision"] == "APPROVED"


async def test_vote_rules(client, agent_key):
    t = tag()
    agents = await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t])
    for confidence in ("0", "1.5", "-0.2", "0.1234567"):
        result = await vote(client, agents[0], ticket["id"], "AGREE", confidence)
        assert result["userErrors"][0]["field"] == "confidence", confidence
    not_a_number = (await client.post(VOTE, {"input": {"ticketId": ticket["id"], "vote": "AGREE", "confidence": "NaN"}},
                                      key=agents[0].key)).json()  # refused by the Decimal scalar (docs/api.md)
    assert not_a_number["data"] is None and "Decimal: must be finite" in not_a_number["errors"][0]["message"]
    outsider = (await make_agents(1, [tag()]))[0]
    assert (await vote(client, outsider, ticket["id"], "AGREE"))["userErrors"][0]["code"] == "NOT_A_PANEL_MEMBER"
    human = await make_key(Role.ADMIN)
    result = (await client.execute(VOTE, {"input": {"ticketId": ticket["id"], "vote": "AGREE", "confidence": "1"}},
                                   key=human))["clarificationVoteCast"]
    assert result["userErrors"][0]["code"] == "NOT_A_PANEL_MEMBER"
    assert (await vote(client, agents[0], ticket["id"], "NEUTRAL"))["userErrors"] == []
    assert (await vote(client, agents[0], ticket["id"], "AGREE"))["userErrors"][0]["code"] == "DUPLICATE"
    assert (await vote(client, agents[0], "bm9wZQ==", "AGREE"))["userErrors"][0]["field"] == "ticketId"


async def test_twenty_concurrent_votes_never_double_count(client, agent_key):
    t = tag()
    agents = await make_agents(5, [t])
    ticket = await open_ticket(client, agent_key, [t], panel_size=5)
    attempts = [agent for agent in agents for _ in range(4)]
    responses = await asyncio.gather(*(client.post(VOTE, {"input": {
        "ticketId": ticket["id"], "vote": "NEUTRAL", "confidence": "1"}}, key=a.key) for a in attempts))
    payloads = [r.json()["data"]["clarificationVoteCast"] for r in responses]
    accepted = [p for p in payloads if not p["userErrors"]]
    assert len(accepted) == 5
    assert sorted(p["vote"]["voter"] for p in accepted) == sorted(a.handle for a in agents)
    assert {p["userErrors"][0]["code"] for p in payloads if p["userErrors"]} <= {"DUPLICATE", "TICKET_CLOSED"}
    assert sorted(p["progress"]["votesCast"] for p in accepted) == [1, 2, 3, 4, 5]
    final = (await client.execute(TICKET, {"id": ticket["id"]}, key=agent_key))["clarificationTicket"]
    assert final["status"] == "REJECTED" and final["progress"]["votesCast"] == 5
    from resolvers.relay import global_pk

    pk = global_pk(ticket["id"], "ClarificationTicket")
    assert await OutboxEvent.filter(name="clarification.vote.cast.v1", payload__contains={"ticketId": pk}).count() == 5
    assert (
        await OutboxEvent.filter(name="clarification.ticket.decided.v1", payload__contains={"ticketId": pk}).count()
        == 1
    )


# -- deadlines and assumptions ------------------------------------------------------------------

async def test_the_deadline_applies_safe_defaults_as_provisional_assumptions(client, agent_key):
    t = tag()
    agents = await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t], deadlineSeconds=10)
    host = next(q["id"] for q in ticket["questions"] if q["kind"] == "MISSING_HOST")
    await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
        {"questionId": host, "value": "db.internal"}]}}, key=agent_key)
    await expire([ticket["id"]])
    result = await vote(client, agents[0], ticket["id"], "AGREE")
    assert result["userErrors"][0]["code"] in {"DEADLINE_PASSED", "TICKET_CLOSED"}
    done = await wait_status(client, agent_key, ticket["id"])
    assert done["status"] == "TIMED_OUT" and done["decidedAt"]
    assumed = {a["questionId"]: a for a in done["assumptions"]}
    expected = {q["id"]: q["safeDefault"] for q in ticket["questions"] if q["id"] != host}
    assert {k: a["value"] for k, a in assumed.items()} == expected
    assert {a["status"] for a in assumed.values()} == {"PROVISIONAL"}


async def test_a_blocking_question_without_default_leaves_the_ticket_blocked(client, agent_key):
    t = tag()
    await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t], prompt=BLOCKED_TASK)
    await expire([ticket["id"]])
    done = await wait_status(client, agent_key, ticket["id"])
    assert done["status"] == "TIMED_OUT_BLOCKED"
    contradiction = next(q["id"] for q in ticket["questions"] if q["kind"] == "CONTRADICTION")
    assert contradiction not in {a["questionId"] for a in done["assumptions"]}
    assert len(done["assumptions"]) == 3  # the defaults are still logged


async def test_two_replicas_sweeping_handle_each_expired_ticket_once(db_url, client, agent_key):
    a = await start_server(db_url, clarify_sweep_seconds=0.02)
    b = await start_server(db_url, clarify_sweep_seconds=0.02)
    try:
        t = tag()
        await make_agents(3, [t])
        tickets = await asyncio.gather(*(open_ticket(client, agent_key, [t]) for _ in range(30)))
        before = sum(s.app.state.runtime.jobs.jobs["clarification deadlines"].handled for s in RUNNING)
        await expire([x["id"] for x in tickets])
        for x in tickets:
            assert (await wait_status(client, agent_key, x["id"]))["status"] == "TIMED_OUT"

        def handled() -> int:
            return sum(s.app.state.runtime.jobs.jobs["clarification deadlines"].handled for s in RUNNING) - before

        # a sweep commits ticket by ticket and adds to its counter when its whole run is done
        for _ in range(500):
            if handled() >= 30:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # several more sweeps of every replica: nothing is handled twice
        assert handled() == 30
        assert (
            a.app.state.runtime.jobs.jobs["clarification deadlines"].handled
            + b.app.state.runtime.jobs.jobs["clarification deadlines"].handled
            > 0
        )
        from resolvers.relay import global_pk

        for x in tickets:
            pk = global_pk(x["id"], "ClarificationTicket")
            assert await OutboxEvent.filter(name="clarification.ticket.timed_out.v1",
                                            payload__contains={"ticketId": pk}).count() == 1
    finally:
        await stop_server(a)
        await stop_server(b)


async def test_sweeps_racing_in_one_process_split_the_tickets(client, agent_key):
    from resolvers.relay import global_pk
    from services.clarification.tickets import sweep_expired

    t = tag()
    await make_agents(3, [t])
    tickets = [await open_ticket(client, agent_key, [t], deadlineSeconds=86_400) for _ in range(12)]
    pks = {global_pk(x["id"], "ClarificationTicket") for x in tickets}
    later = datetime.now(timezone.utc) + timedelta(days=2)  # only these tickets (and older leftovers) are due then
    results = await asyncio.gather(*(sweep_expired(limit=4, now=later) for _ in range(6)))
    handled = [pk for batch in results for pk in batch]
    assert len(handled) == len(set(handled))  # nobody twice
    assert pks <= set(handled) | set(await ClarificationTicket.filter(id__in=pks, status="TIMED_OUT")
                                     .values_list("id", flat=True))


async def test_assumption_override_logs_who_when_and_why(client, agent_key, admin_key):
    t = tag()
    await make_agents(3, [t])
    correlation_id = corr()
    ticket = await open_ticket(client, agent_key, [t], correlation_id=correlation_id)
    await expire([ticket["id"]])
    done = await wait_status(client, agent_key, ticket["id"])
    port_question = next(q["id"] for q in ticket["questions"] if q["kind"] == "MISSING_PORT")
    assumption = next(a for a in done["assumptions"] if a["questionId"] == port_question)

    bad = [({"value": "99999", "reason": "pgbouncer"}, "value"), ({"value": "6432", "reason": "  "}, "reason"),
           ({"value": "6432", "reason": "x", "assumptionId": "bad"}, "assumptionId")]
    for change, field in bad:
        payload = (await client.execute(OVERRIDE, {"input": {"assumptionId": assumption["id"]} | change},
                                        key=agent_key))["assumptionOverride"]
        assert payload["assumption"] is None and payload["userErrors"][0]["field"] == field
    stranger = await make_key(Role.AGENT)
    payload = (await client.execute(OVERRIDE, {"input": {"assumptionId": assumption["id"], "value": "6432",
                                                         "reason": "x"}}, key=stranger))["assumptionOverride"]
    assert payload["userErrors"][0]["code"] == "FORBIDDEN"

    payload = (await client.execute(OVERRIDE, {"input": {"assumptionId": assumption["id"], "value": "6432",
                                                         "reason": "we go through pgbouncer"}}, key=admin_key))
    result = payload["assumptionOverride"]["assumption"]
    assert result["status"] == "OVERRIDDEN" and result["value"] == "6432" and result["defaultValue"] == "5432"
    [change] = result["history"]
    assert change["previousValue"] == "5432" and change["reason"] == "we go through pgbouncer"
    assert change["changedBy"].startswith("admin-") and change["changedAt"]

    log = """query L($c: String, $s: AssumptionStatus) { assumptions(correlationId: $c, status: $s) {
      totalCount edges { node { questionId status value } } } }"""
    overridden = (await client.execute(log, {"c": correlation_id, "s": "OVERRIDDEN"}, key=agent_key))["assumptions"]
    assert overridden["totalCount"] == 1 and overridden["edges"][0]["node"]["value"] == "6432"
    provisional = (await client.execute(log, {"c": correlation_id, "s": "PROVISIONAL"}, key=agent_key))["assumptions"]
    assert provisional["totalCount"] == 2


async def test_stats_over_a_window(client, agent_key):
    since = datetime.now(timezone.utc).isoformat()
    t = tag()
    agents = await make_agents(3, [t])
    await client.execute(REQUEST, {"input": {"correlationId": corr(), "prompt": "Rename tools/a.py to tools/b.py."}},
                         key=agent_key)
    approved = await open_ticket(client, agent_key, [t])  # 3 questions
    first = approved["questions"][0]["id"]
    await client.execute(ANSWER, {"input": {"ticketId": approved["id"], "answers": [
        {"questionId": first, "value": "environment variables"}]}}, key=agent_key)
    for agent in agents[:2]:
        await vote(client, agent, approved["id"], "AGREE")
    timed_out = await open_ticket(client, agent_key, [t])
    await expire([timed_out["id"]])
    done = await wait_status(client, agent_key, timed_out["id"])
    await client.execute(OVERRIDE, {"input": {"assumptionId": done["assumptions"][0]["id"], "value": "config file",
                                              "reason": "ops keep it there"}}, key=agent_key)
    query = """query S($since: DateTime) { clarificationStats(since: $since) { requests tickets triggerRate questions
      answered answerRate closed timedOut timeoutRate medianSecondsToDecision assumptions overridden
        assumptionBurnDown } }"""
    stats = (await client.execute(query, {"since": since}, key=agent_key))["clarificationStats"]
    assert stats | {"medianSecondsToDecision": None} == {
        "requests": 3, "tickets": 2, "triggerRate": "0.666667", "questions": 6, "answered": 1, "answerRate": "0.166667",
        "closed": 2, "timedOut": 1, "timeoutRate": "0.500000", "medianSecondsToDecision": None,
        "assumptions": 5, "overridden": 1, "assumptionBurnDown": "0.200000"}
    assert Decimal(stats["medianSecondsToDecision"]) >= 0


# -- live updates -------------------------------------------------------------------------------

async def _updates(ws: GraphQLWebSocket, count: int) -> list[dict]:
    return [(await ws.next_data())["clarificationUpdates"] for _ in range(count)]


async def test_updates_by_correlation_id_cover_every_kind(server, client, agent_key):
    t = tag()
    agents = await make_agents(3, [t])
    correlation_id = corr()
    async with GraphQLWebSocket.connect(server.url, agent_key) as ws:
        await ws.subscribe(UPDATES, {"correlationId": correlation_id})
        await asyncio.sleep(0.2)
        ticket = await open_ticket(client, agent_key, [t], correlation_id=correlation_id)
        q1 = ticket["questions"][0]["id"]
        await client.execute(ANSWER, {"input": {"ticketId": ticket["id"], "answers": [
            {"questionId": q1, "value": "config file"}]}}, key=agent_key)
        await vote(client, agents[0], ticket["id"], "AGREE", "0.8")
        await vote(client, agents[1], ticket["id"], "AGREE")
        created, answered, vote1, vote2, decided = await _updates(ws, 5)
        other = await open_ticket(client, agent_key, [t], correlation_id=correlation_id)
        await expire([other["id"]])
        other_created, timed_out = await _updates(ws, 2)
        done = await wait_status(client, agent_key, other["id"])
        credentials = next(a for a in done["assumptions"] if a["value"] == "environment variables")
        await client.execute(OVERRIDE, {"input": {"assumptionId": credentials["id"], "value": "config file",
                                                  "reason": "known"}}, key=agent_key)
        [overridden] = await _updates(ws, 1)
    assert created["__typename"] == "TicketCreated" and created["ticketId"] == ticket["id"]
    assert created["panel"] == [a.handle for a in agents] and len(created["questions"]) == 3
    assert answered["__typename"] == "AnswerRecorded" and answered["answers"][0]["value"] == "config file"
    assert answered["answeredCount"] == 1 and answered["questionCount"] == 3
    assert vote1["__typename"] == "VoteCast" and vote1["voter"] == agents[0].handle
    assert vote1["progress"] == {"votesCast": 1, "panelSize": 3, "agreeWeight": "0.800000000000",
                                 "disagreeWeight": "0", "agreement": "1.000000", "quorumReached": False,
                                 "decision": "PENDING"}
    assert vote2["progress"]["decision"] == "APPROVED"
    assert decided["__typename"] == "TicketDecided" and decided["status"] == "APPROVED"
    assert {a["questionId"] for a in decided["assumptions"]} == {q["id"] for q in ticket["questions"]} - {q1}
    assert other_created["ticketId"] == other["id"]
    assert timed_out["__typename"] == "TicketTimedOut" and timed_out["status"] == "TIMED_OUT"
    assert timed_out["blockingUnanswered"] == [] and len(timed_out["assumptions"]) == 3
    assert overridden["__typename"] == "AssumptionOverridden" and overridden["reason"] == "known"
    assert overridden["correlationId"] == correlation_id
    cursors = [u["cursor"] for u in (created, answered, vote1, vote2, decided, other_created, timed_out, overridden)]
    assert len(set(cursors)) == len(cursors)


async def test_a_subscriber_that_reconnects_mid_vote_misses_nothing(db_url, redis_url, only_these_relays):
    channel = f"test:{uuid.uuid4().hex}"
    a = await start_server(db_url, redis_url=redis_url, events_channel=channel)
    b = await start_server(db_url, redis_url=redis_url, events_channel=channel)
    only_these_relays(a, b)
    key = await make_key(Role.AGENT)
    client_a = GraphQLClient(a.url, key)
    try:
        t = tag()
        agents = await make_agents(5, [t])
        ticket = await open_ticket(client_a, key, [t], panel_size=5)
        async with GraphQLWebSocket.connect(b.url, key) as ws:  # replica B; the votes go to replica A
            await ws.subscribe(UPDATES, {"ticketId": ticket["id"], "after": ticket["updatesCursor"]})
            [created] = await _updates(ws, 1)
            await vote(client_a, agents[0], ticket["id"], "AGREE")
            [first] = await _updates(ws, 1)
        assert created["__typename"] == "TicketCreated" and first["progress"]["votesCast"] == 1
        await vote(client_a, agents[1], ticket["id"], "DISAGREE", "0.4")  # while disconnected
        async with GraphQLWebSocket.connect(b.url, key) as ws:
            await ws.subscribe(UPDATES, {"ticketId": ticket["id"], "after": first["cursor"]})
            [second] = await _updates(ws, 1)
            await vote(client_a, agents[2], ticket["id"], "AGREE")  # live again
            third, decided = await _updates(ws, 2)
            assert await ws.nothing_within(0.5)
        assert [second["voter"], third["voter"]] == [agents[1].handle, agents[2].handle]
        assert [second["progress"]["votesCast"], third["progress"]["votesCast"]] == [2, 3]
        assert decided["__typename"] == "TicketDecided" and decided["progress"] == {
            "decision": "APPROVED",
            "votesCast": 3,
        }
    finally:
        await client_a.aclose()
        await stop_server(a)
        await stop_server(b)


async def test_updates_take_ticket_or_correlation_not_both(server, agent_key):
    async with GraphQLWebSocket.connect(server.url, agent_key) as ws:
        await ws.subscribe(UPDATES, {"ticketId": "x", "correlationId": "y"})
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert "ticketId or correlationId, not both" in errors[0]["message"]


@pytest.mark.parametrize("query", ["{ clarificationStats { requests } }",
                                   '{ assumptions(correlationId: "x") { totalCount } }'])
async def test_reads_need_a_key(client, query):
    body = (await client.post(query)).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# -- the terminal client ------------------------------------------------------------------------

async def test_the_terminal_client_answers_through_stdin_and_follows_the_vote(server, client, agent_key):
    import os
    import sys

    from resolvers.relay import global_pk

    t = tag()
    agents = await make_agents(3, [t])
    ticket = await open_ticket(client, agent_key, [t])
    kinds = [q["kind"] for q in ticket["questions"]]
    assert kinds == ["MISSING_CREDENTIALS", "MISSING_HOST", "MISSING_PORT"]
    # q1: an invalid choice, then choice 2 by number; q2: skipped; q3: an invalid port, then 6432
    typed = "a sticky note\n2\n\n70000\n6432\n"
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "clarify", ticket["id"], "--url", server.url, "--key", agent_key,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
    process.stdin.write(typed.encode())
    await process.stdin.drain()
    process.stdin.close()
    pk = global_pk(ticket["id"], "ClarificationTicket")
    for _ in range(300):  # the client submits its answers, then watches
        if (await ClarificationTicket.get(id=pk)).answers:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    await vote(client, agents[0], ticket["id"], "AGREE", "0.9")
    await vote(client, agents[1], ticket["id"], "AGREE")
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    out = stdout.decode()
    assert process.returncode == 0, (out, stderr.decode())
    assert "choose one of: environment variables, secrets manager" in out
    assert "a port is a whole number from 1 to 65535, got '70000'" in out
    assert "recorded 2 answer(s)" in out
    assert "answer q1 = secrets manager" in out and "answer q3 = 6432" in out
    assert "vote 1/3" in out and "vote 2/3" in out and out.rstrip().endswith("APPROVED")
    answers = (await client.execute(TICKET, {"id": ticket["id"]}, key=agent_key))["clarificationTicket"]["answers"]
    assert {a["questionId"]: a["value"] for a in answers} == {"q1": "secrets manager", "q3": "6432"}


async def test_the_terminal_client_reports_a_missing_ticket(server, agent_key):
    import os
    import sys

    from resolvers.relay import to_global_id

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "clarify", to_global_id("ClarificationTicket", 10**12), "--url", server.url,
        "--key", agent_key, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()})
    stdout, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1 and "no clarification ticket" in stdout.decode()
