"""`omniclaude clarify TICKET_ID`: a terminal client for one clarification ticket.

It shows the questions, asks for answers on stdin (checked with the server's own rules before they
are sent), submits them, then follows the ticket's updates over WebSocket until it is decided.
Exit status: 0 APPROVED or TIMED_OUT (the agent proceeds), 2 REJECTED or TIMED_OUT_BLOCKED, 1 error.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets
from rich.console import Console
from rich.table import Table
from rich.text import Text

from services.clarification.answers import BadAnswer, canonical_value

TICKET_QUERY = """query T($id: ID!) { clarificationTicket(id: $id) {
  id correlationId status prompt deadlineAt updatesCursor
  questions { id kind text severity answerType choices safeDefault answer { value answeredBy } }
  panel { contributor { handle } }
  progress { votesCast panelSize agreement decision }
} }"""
ANSWER_MUTATION = """mutation A($input: ClarificationAnswerInput!) {
  clarificationAnswer(input: $input) { ticket { answers { questionId value } } userErrors { field message code } }
}"""
UPDATES = """subscription U($id: ID!, $after: String) { clarificationUpdates(ticketId: $id, after: $after) {
  __typename
  ... on AnswerRecorded { answers { questionId value answeredBy } }
  ... on VoteCast { voter choice confidence progress { votesCast panelSize agreeWeight disagreeWeight agreement
    quorumReached decision } }
  ... on TicketDecided { status progress { votesCast panelSize agreement } assumptions { questionId value } }
  ... on TicketTimedOut { status blockingUnanswered assumptions { questionId value } }
} }"""
PROCEEDS = {"APPROVED": 0, "TIMED_OUT": 0, "REJECTED": 2, "TIMED_OUT_BLOCKED": 2}
BAR_WIDTH = 20


class ClientError(Exception):
    pass


class ClarifyClient:
    def __init__(self, url: str, key: str, console: Console) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self.console = console

    async def graphql(self, http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await http.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {self.key}"})
        try:
            body = response.json()
        except ValueError:
            raise ClientError(f"HTTP {response.status_code} from {self.url}/graphql") from None
        if body.get("errors"):
            raise ClientError("; ".join(e["message"] for e in body["errors"]))
        return body["data"]

    async def run(self, ticket_id: str) -> int:
        async with httpx.AsyncClient(timeout=30) as http:
            ticket = (await self.graphql(http, TICKET_QUERY, {"id": ticket_id}))["clarificationTicket"]
            if ticket is None:
                raise ClientError(f"no clarification ticket {ticket_id}")
            self.show_ticket(ticket)
            if ticket["status"] != "OPEN":
                return self.finish(ticket["status"])
            answers = self.ask(ticket["questions"])
            if answers:
                payload = (await self.graphql(http, ANSWER_MUTATION, {"input": {
                    "ticketId": ticket_id, "answers": [{"questionId": q, "value": v} for q, v in answers]}}))
                errors = payload["clarificationAnswer"]["userErrors"]
                for error in errors:
                    self.console.print(f"[red]not recorded[/red] {error['field']}: {error['message']}")
                if not errors:
                    self.console.print(f"[green]recorded {len(answers)} answer(s)[/green]")
        return await self.watch(ticket_id, ticket["updatesCursor"])

    def show_ticket(self, ticket: dict[str, Any]) -> None:
        self.console.print(f"[bold]Ticket[/bold] {ticket['id']}  task {ticket['correlationId']}  "
                           f"status [bold]{ticket['status']}[/bold]  deadline {ticket['deadlineAt']}")
        self.console.print(f"panel: {', '.join(s['contributor']['handle'] for s in ticket['panel'])}")
        table = Table(show_lines=False)
        for column in ("id", "severity", "type", "question", "default", "answer"):
            table.add_column(column)
        for q in ticket["questions"]:
            table.add_row(q["id"], q["severity"], q["answerType"], q["text"], q["safeDefault"] or "-",
                          q["answer"]["value"] if q["answer"] else "")
        self.console.print(table)

    def ask(self, questions: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """One prompt per unanswered question; Enter skips it (its default stands in at the deadline)."""
        answers: list[tuple[str, str]] = []
        for q in questions:
            if q["answer"]:
                continue
            choices = q["choices"]
            if choices:
                self.console.print("  " + "  ".join(f"{i}) {c}" for i, c in enumerate(choices, 1)))
            hint = f"default {q['safeDefault']}; " if q["safeDefault"] else ""
            while True:
                try:
                    raw = self.console.input(f"{q['id']} [{q['answerType']}] {q['text']} ({hint}Enter skips): ")
                except EOFError:
                    return answers
                if not raw.strip():
                    break
                if choices and raw.strip() in {str(i) for i in range(1, len(choices) + 1)}:
                    raw = choices[int(raw.strip()) - 1]
                try:
                    answers.append((q["id"], canonical_value(q, raw)))
                    break
                except BadAnswer as exc:
                    self.console.print(f"[red]{q['id']}: {exc}[/red]")
        return answers

    async def watch(self, ticket_id: str, after: str) -> int:
        self.console.print("[bold]watching the panel[/bold] (Ctrl-C stops)")
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://") + "/graphql"
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {self.key}"}}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if ack.get("type") != "connection_ack":
                raise ClientError(f"WebSocket refused: {ack}")
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": UPDATES, "variables": {"id": ticket_id, "after": after}}}))
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif message["type"] == "error" or message.get("payload", {}).get("errors"):
                    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
                    raise ClientError("; ".join(e["message"] for e in errors))
                elif message["type"] == "next":
                    status = self.show_update(message["payload"]["data"]["clarificationUpdates"])
                    if status:
                        return self.finish(status)
                elif message["type"] == "complete":
                    break
        raise ClientError("the server ended the subscription before the ticket was decided")

    def show_update(self, update: dict[str, Any]) -> str | None:
        kind = update["__typename"]
        if kind == "AnswerRecorded":
            for a in update["answers"]:
                self.console.print(f"answer {a['questionId']} = {a['value']} (by {a['answeredBy']})")
        elif kind == "VoteCast":
            p = update["progress"]
            filled = round(BAR_WIDTH * p["votesCast"] / p["panelSize"])
            line = Text(f"vote {p['votesCast']}/{p['panelSize']} ")
            line.append("#" * filled + "-" * (BAR_WIDTH - filled), style="cyan")
            line.append(f" {update['voter']} {update['choice']} ({update['confidence']})  agree {p['agreeWeight']}"
                        f" / disagree {p['disagreeWeight']}  agreement {p['agreement'] or '-'}  {p['decision']}")
            self.console.print(line)
        elif kind in ("TicketDecided", "TicketTimedOut"):
            for a in update["assumptions"]:
                self.console.print(f"assumed {a['questionId']} = {a['value']} (provisional)")
            if kind == "TicketTimedOut" and update["blockingUnanswered"]:
                self.console.print(f"[red]blocking, unanswered: {', '.join(update['blockingUnanswered'])}[/red]")
            return update["status"]
        return None

    def finish(self, status: str) -> int:
        style = "green" if PROCEEDS.get(status, 1) == 0 else "red"
        self.console.print(f"[bold {style}]{status}[/bold {style}]")
        return PROCEEDS.get(status, 1)


def run(ticket_id: str, url: str, key: str | None, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    if not key:
        console.print("[red]omniclaude clarify: an API key is needed: --key or OMNICLAUDE_API_KEY[/red]")
        return 1
    try:
        return asyncio.run(ClarifyClient(url, key, console).run(ticket_id))
    except ClientError as exc:
        console.print(f"[red]omniclaude clarify: {exc}[/red]")
        return 1
    except (httpx.HTTPError, OSError, websockets.WebSocketException) as exc:
        console.print(f"[red]omniclaude clarify: cannot reach {url}: {exc}[/red]")
        return 1
    except KeyboardInterrupt:
        return 130
