"""The dashboard and GraphiQL in a real browser (headless Chromium): a key entered once, live quorum bars,
the costs chart, role-following cards and GraphiQL running a query, with nothing loaded from another host.

Locally these tests are skipped, saying how to get the browser, when Chromium or Playwright is missing;
under CI (CI=true) a missing browser fails them instead. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import pytest_asyncio

from models.auth import Role
from tests.browser import Guard, chromium, missing, new_page
from tests.conftest import make_key
from tests.debug_support import unique_model
from tests.test_clarification import REQUEST, make_agents, tag, vote
from tests.test_executions import call, record, start
from tests.test_pricing import upsert

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
# A vote shows on the page without a reload. The time it takes is printed (the promise is a second; 11-129 ms
# seen under load) but not asserted: a wall clock on a shared machine makes no test. This deadline is liveness only.
LIVE_DEADLINE_MS = 10_000
PAGES = ["costs", "clarifications", "economy", "debug", "context"]

if (why := missing()) is not None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {why}", pytrace=False)
    pytestmark = pytest.mark.skip(reason=why)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[object]:
    async with chromium() as b:
        yield b


@pytest.fixture
def guard() -> Guard:
    found = Guard()
    yield found
    assert found.outside == [], f"the page reached beyond this machine: {found.outside}"


async def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def sign_in(page, base: str, key: str | None, page_name: str = "costs") -> None:
    await page.goto(f"{base}/dashboard#/{page_name}")
    await page.wait_for_selector("#key-form:not([hidden])")
    if key is None:
        await page.click("#anonymous")
    else:
        await page.fill("#key-input", key)
        await page.click("#key button[type=submit]")
    await ready(page, page_name)


async def ready(page, name: str) -> None:
    await page.wait_for_selector(f"body[data-ready='{name}']", state="attached", timeout=15000)


async def visit(page, base: str, name: str) -> None:
    await page.goto(f"{base}/dashboard#/{name}")
    await ready(page, name)


async def live_update(page, selector: str) -> float:
    """Milliseconds until `selector` shows, without a reload."""
    began = time.perf_counter()
    await page.wait_for_selector(selector, state="attached", timeout=LIVE_DEADLINE_MS)
    return (time.perf_counter() - began) * 1000


async def test_a_key_entered_once_stays_in_the_tab_and_never_in_the_url(server, browser, guard, admin_key):
    page = await new_page(browser, guard)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    await sign_in(page, server.url, admin_key)
    assert (await page.get_attribute("#role", "data-role")) == "ADMIN"
    for name in PAGES:
        await visit(page, server.url, name)  # a reload of the dashboard: no key form again
        assert await page.is_hidden("#key-form")
    await page.reload()  # a new document in the same tab: the key comes from sessionStorage
    await ready(page, PAGES[-1])
    await page.wait_for_selector("#role[data-role='ADMIN']")
    assert await page.is_hidden("#key-form")
    assert all(admin_key not in url for url in requests) and admin_key not in page.url
    await page.click("#who button")  # forget the key
    await page.wait_for_selector("#key-form:not([hidden])")
    await page.reload()
    await page.wait_for_selector("#key-form:not([hidden])")
    await page.fill("#key-input", "omk_not-a-real-key")
    await page.click("#key button[type=submit]")
    await page.wait_for_selector("#key-error:has-text('unknown, malformed or revoked')")
    await page.context.close()


async def test_votes_move_the_quorum_bar_and_the_decision_live(server, client, browser, guard, admin_key, agent_key):
    page = await new_page(browser, guard)
    await sign_in(page, server.url, admin_key, "clarifications")
    await page.wait_for_selector("body[data-live]", state="attached", timeout=5000)
    await page.evaluate("window.sameDocument = true")  # gone if anything reloaded the page
    topic = tag()
    agents = await make_agents(3, [topic])
    correlation = f"task-{uuid.uuid4().hex[:10]}"
    payload = (await client.execute(REQUEST, {"input": {
        "correlationId": correlation, "prompt": "Connect to Postgres and copy the orders table.",
        "domainTags": [topic], "panelSize": 3}}, key=agent_key))["clarificationRequest"]
    assert payload["userErrors"] == []
    ticket = f"[data-ticket-id='{payload['ticket']['id']}']"
    waits = [await live_update(page, f"{ticket} .quorum[data-votes='0']")]
    # one DISAGREE: 0 % agreement, still PENDING (two AGREE votes could reach 2/3)
    assert (await vote(client, agents[0], payload["ticket"]["id"], "DISAGREE"))["userErrors"] == []
    waits.append(await live_update(page, f"{ticket} .quorum[data-votes='1'] .disagree[style*='width:100.00%']"))
    assert await page.text_content(f"{ticket} .badge.decision") == "PENDING"
    await shot(page, "clarifications-voting")
    # an AGREE: 1 : 1 is 50 %, below the 60 % line
    await vote(client, agents[1], payload["ticket"]["id"], "AGREE")
    waits.append(await live_update(page, f"{ticket} .quorum[data-votes='2'] .agree[style*='width:50.00%']"))
    assert await page.text_content(f"{ticket} .badge.decision") == "PENDING"
    # a second AGREE: 2 : 1 is 66.7 %, over the line: APPROVED
    await vote(client, agents[2], payload["ticket"]["id"], "AGREE")
    waits.append(await live_update(page, f"{ticket} .badge.decision.APPROVED"))
    assert await page.get_attribute(f"{ticket} .quorum", "data-agreement") == "0.666667"
    assert await page.evaluate("window.sameDocument === true")
    await shot(page, "clarifications-decided")
    print(f"ms from the API's answer to the page showing it: {[round(w) for w in waits]}")
    await page.context.close()


async def test_the_costs_chart_shows_calls_recorded_through_the_api(server, client, browser, guard, admin_key,
                                                                    agent_key):
    model = unique_model()  # dear enough to be one of the chart's top lines whatever else the database holds
    await upsert(client, admin_key, model=model, input_price="900000", output_price="0", at="2020-01-01T00:00:00Z")
    cid = (await start(client, agent_key, agentName=f"agent-{uuid.uuid4().hex[:6]}"))["correlationId"]
    now = datetime.now(timezone.utc)
    recorded = await record(client, agent_key, [call(cid, model, now - timedelta(minutes=m)) for m in (1, 2, 3)])
    assert recorded["userErrors"] == [] and recorded["priced"] == 3
    page = await new_page(browser, guard)
    await sign_in(page, server.url, admin_key, "costs")
    await page.select_option("#page-costs select >> nth=0", "24h")
    row = f"#cost-legend tr:has-text('acme/{model}')"
    await page.wait_for_selector(row, timeout=5000)
    cells = await page.locator(f"{row} td").all_text_contents()
    assert cells[1:] == ["3", "$2,700.00"]  # 3 calls x 1,000 input tokens at $900,000 per million
    await page.wait_for_selector("#cost-chart canvas", timeout=5000)  # uPlot draws in the next animation frame
    assert await page.locator("#cost-chart canvas").count() == 1
    assert await page.text_content("#costs-executions") and cid in await page.text_content("#costs-executions")
    await shot(page, "costs")
    await page.context.close()


async def test_every_page_paints_and_follows_the_role(server, browser, guard, admin_key, agent_key):
    reviewer = await make_key(Role.REVIEWER)
    seen = {}
    for role, key in (("ADMIN", admin_key), ("REVIEWER", reviewer), ("AGENT", agent_key), ("ANONYMOUS", None)):
        page = await new_page(browser, guard)
        await sign_in(page, server.url, key)
        for name in PAGES:
            await visit(page, server.url, name)
            states = await page.eval_on_selector_all("#page section.card",
                                                     "cards => cards.map(c => [c.id, c.dataset.state])")
            seen[role, name] = dict(states)
            if role == "ADMIN":
                await shot(page, name)
        await page.context.close()
    for role in ("ADMIN", "REVIEWER", "AGENT", "ANONYMOUS"):
        assert "error" not in {s for (r, _), cards in seen.items() if r == role for s in cards.values()}, seen
    # what the API refuses a role, the page says it may not see; what it allows, the page shows
    assert seen["ADMIN", "economy"]["eco-refusals"] == "ready" and seen["ADMIN", "economy"]["eco-transfers"] == "ready"
    assert seen["REVIEWER", "economy"]["eco-transfers"] == "ready"
    assert seen["REVIEWER", "economy"]["eco-refusals"] == "denied"
    assert seen["AGENT", "economy"]["eco-transfers"] == seen["AGENT", "economy"]["eco-disputes"] == "denied"
    assert seen["AGENT", "economy"]["eco-supply"] == "ready" and seen["AGENT", "costs"]["costs-spend"] == "ready"
    assert seen["ANONYMOUS", "costs"]["costs-spend"] == "denied"
    assert seen["ANONYMOUS", "economy"]["eco-earners"] == seen["ANONYMOUS", "context"]["ctx-stats"] == "ready"


async def test_graphiql_loads_from_this_server_and_runs_a_query(server, browser, guard, admin_key):
    page = await new_page(browser, guard)
    await sign_in(page, server.url, admin_key)  # GraphiQL picks the tab's key up for its headers pane
    loaded = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    await page.goto(f"{server.url}/graphql")
    await page.wait_for_selector(".graphiql-container .graphiql-execute-button", timeout=20000)
    await page.click(".graphiql-execute-button")
    await page.wait_for_selector(".result-window:has-text('\"role\": \"ADMIN\"')", timeout=10000)
    result = await page.text_content(".result-window")
    assert '"costSummary"' in result and '"errors"' not in result
    assert any("/static/vendor/graphiql@3.8.3/graphiql.min.js" in url for url in loaded)
    assert any("plugin-explorer" in url for url in loaded)
    await shot(page, "graphiql")
    await page.context.close()
