// Clarifications: open tickets with their questions, deadline countdowns and live quorum bars; decided
// tickets; the assumptions log. Live through `clarificationUpdates` (every ticket) over graphql-transport-ws.
import { card, code, empty, fmt, gql, h, stat, subscribe, table } from "../lib.js";

const THRESHOLD = 0.6;
const TICKET = `id correlationId prompt status panelSize deadlineAt createdAt decidedAt
  questions { id text severity safeDefault answer { value answeredBy } }
  progress { votesCast panelSize agreeWeight disagreeWeight agreement quorumReached decision }`;
const OPEN = `{ clarificationTickets(status: OPEN, first: 20) { totalCount edges { node { ${TICKET} } } } }`;
const ONE = `query T($id: ID!) { clarificationTicket(id: $id) { ${TICKET} } }`;
const DECIDED_FIELDS = `edges { node { id correlationId prompt status decidedAt progress { votesCast agreement decision } } }`;
const DECIDED = `{ approved: clarificationTickets(status: APPROVED, first: 8) { ${DECIDED_FIELDS} }
  rejected: clarificationTickets(status: REJECTED, first: 8) { ${DECIDED_FIELDS} }
  timedOut: clarificationTickets(status: TIMED_OUT, first: 8) { ${DECIDED_FIELDS} }
  blocked: clarificationTickets(status: TIMED_OUT_BLOCKED, first: 8) { ${DECIDED_FIELDS} } }`;
const ASSUMPTIONS = `{ assumptions(first: 15) { totalCount edges { node {
  id correlationId questionText defaultValue value status reason overriddenAt createdAt } } }
  clarificationStats { tickets triggerRate answerRate timeoutRate medianSecondsToDecision assumptions overridden } }`;
const UPDATES = `subscription { clarificationUpdates {
  __typename
  ... on ClarificationUpdateFields { ticketId correlationId at }
  ... on VoteCast { voter choice progress { votesCast panelSize agreeWeight disagreeWeight agreement quorumReached decision } }
  ... on TicketDecided { status progress { votesCast panelSize agreeWeight disagreeWeight agreement quorumReached decision } }
  ... on TicketTimedOut { status }
} }`;

function quorumBar(progress) {
  const agree = Number(progress.agreeWeight);
  const disagree = Number(progress.disagreeWeight);
  const total = agree + disagree;
  const agreeShare = total ? agree / total : 0;
  const disagreeShare = total ? disagree / total : 0;
  return h("div", { class: "quorum-wrap" },
    h("div", { class: "quorum", title: "agree | disagree weight; the line is the 60% needed",
      dataset: { agreement: progress.agreement ?? "", votes: progress.votesCast } },
      h("div", { class: "agree", style: `width:${(agreeShare * 100).toFixed(2)}%` }),
      h("div", { class: "disagree", style: `width:${(disagreeShare * 100).toFixed(2)}%` }),
      h("div", { class: "line" })),
    h("div", { class: "quorum-text" },
      `${progress.votesCast}/${progress.panelSize} voted · agree ${Number(agree).toFixed(2)} · disagree `
      + `${Number(disagree).toFixed(2)} · agreement ${progress.agreement === null ? "n/a" : fmt.pct(progress.agreement)}`
      + ` (needs ${THRESHOLD * 100}%${progress.quorumReached ? ", quorum reached" : ""}) · `,
      h("span", { class: "badge decision " + progress.decision }, progress.decision)));
}

function ticketView(t) {
  return h("article", { class: "ticket", dataset: { ticketId: t.id, correlationId: t.correlationId } },
    h("header", {}, h("span", { class: "badge status " + t.status }, t.status), code(t.correlationId),
      h("span", { class: "countdown muted", dataset: { deadline: t.deadlineAt } }, fmt.countdown(t.deadlineAt))),
    h("div", { class: "prompt" }, t.prompt),
    h("ol", {}, t.questions.map((q) => h("li", {}, `${q.text} `,
      h("span", { class: "muted" }, q.answer ? `answered: ${q.answer.value}`
        : q.safeDefault ? `default if unanswered: ${q.safeDefault}` : q.severity === "BLOCKING" ? "blocking, no default" : "optional")))),
    h("div", { class: "progress-slot" }, quorumBar(t.progress)));
}

export async function render(root) {
  const tickets = new Map();
  const openCard = card("Open tickets", { wide: true, id: "clar-open" });
  const decidedCard = card("Decided", { id: "clar-decided" });
  const assumptionsCard = card("Assumptions and overrides", { id: "clar-assumptions" });
  const live = h("span", { class: "live", id: "clar-live" }, "");
  root.append(h("h1", {}, "Clarifications ", live), h("div", { class: "grid" }, openCard.el, decidedCard.el, assumptionsCard.el));
  const list = h("div", { id: "open-tickets" });
  const noOpen = empty("No ticket is waiting. Agents open one with ", code("clarificationRequest"),
    " before they start a task; its questions, deadline and the panel's vote appear here as they happen.");

  const openCount = h("p", { class: "muted" });
  let openTotal = 0;

  function paintOpen() {
    const open = [...tickets.values()].filter((t) => t.status === "OPEN");
    list.replaceChildren(...(open.length ? open.map(ticketView) : [noOpen]));
    openCount.textContent = `${fmt.int(Math.max(openTotal, open.length))} open; bars: agree (green) and disagree (red) `
      + "weight, the black line at the 60% agreement needed.";
  }

  async function loadDecided() {
    await decidedCard.load(DECIDED, {}, (d) => {
      const rows = [...d.approved.edges, ...d.rejected.edges, ...d.timedOut.edges, ...d.blocked.edges]
        .map((e) => e.node).sort((a, b) => (b.decidedAt || "").localeCompare(a.decidedAt || "")).slice(0, 10);
      return rows.length ? table([
        { title: "ticket", cell: (t) => code(t.correlationId) },
        { title: "outcome", cell: (t) => h("span", { class: "badge " + t.status }, t.status) },
        { title: "votes", num: true, cell: (t) => t.progress.votesCast },
        { title: "agreement", num: true, cell: (t) => fmt.pct(t.progress.agreement) },
        { title: "decided", cell: (t) => fmt.ago(t.decidedAt) },
      ], rows) : empty("No ticket decided yet: a ticket is decided when its panel reaches 60% agreement (or can no longer), "
        + "or when its deadline passes.");
    });
  }

  async function fetchTicket(id) {
    const t = (await gql(ONE, { id })).clarificationTicket;
    if (t) tickets.set(t.id, t);
    paintOpen();
    flash(t && t.id);
  }

  function flash(id) {
    const el = id && list.querySelector(`[data-ticket-id="${CSS.escape(id)}"]`);
    if (el) { el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash"); }
  }

  function onUpdate(u) {
    const t = tickets.get(u.ticketId);
    if (u.__typename === "TicketCreated" || u.__typename === "AnswerRecorded" || !t) {
      if (u.__typename === "TicketCreated") openTotal += 1;
      return fetchTicket(u.ticketId);
    }
    if (u.progress) t.progress = u.progress;
    if (u.status) { t.status = u.status; t.decidedAt = u.at; openTotal = Math.max(0, openTotal - 1); }
    const el = list.querySelector(`[data-ticket-id="${CSS.escape(t.id)}"]`);
    if (el && t.status === "OPEN") {
      el.querySelector(".progress-slot").replaceChildren(quorumBar(t.progress));
      flash(t.id);
    } else if (el) {
      el.querySelector(".progress-slot").replaceChildren(quorumBar(t.progress));
      el.querySelector(".badge.status").textContent = t.status;
      el.querySelector(".badge.status").className = "badge status " + t.status;
      setTimeout(paintOpen, 4000); // leave the decided ticket on screen a moment, then move it to Decided
    }
    if (u.__typename === "TicketDecided" || u.__typename === "TicketTimedOut") loadDecided();
    if (u.__typename === "AssumptionOverridden" || u.__typename === "TicketTimedOut") loadAssumptions();
  }

  async function loadAssumptions() {
    await assumptionsCard.load(ASSUMPTIONS, {}, (d) => {
      const s = d.clarificationStats;
      const rows = d.assumptions.edges.map((e) => e.node);
      return h("div", {},
        h("div", { class: "stats" }, stat("tickets", fmt.int(s.tickets)), stat("timeout rate", fmt.pct(s.timeoutRate)),
          stat("median s to decision", s.medianSecondsToDecision ?? "n/a"), stat("assumptions", fmt.int(s.assumptions)),
          stat("overridden", fmt.int(s.overridden))),
        rows.length ? table([
          { title: "ticket", cell: (a) => code(a.correlationId) },
          { title: "question", cell: (a) => a.questionText },
          { title: "value", cell: (a) => a.status === "OVERRIDDEN" ? [h("s", {}, a.defaultValue), " ", a.value] : a.value },
          { title: "status", cell: (a) => h("span", { class: "badge" }, a.status) },
        ], rows) : empty("No assumption yet. When a deadline passes, unanswered questions take their safe defaults and "
          + "are logged here; a person corrects one with ", code("assumptionOverride"), "."));
    });
  }

  const unsubscribe = subscribe(UPDATES, {}, (d) => onUpdate(d.clarificationUpdates),
    (err) => { live.textContent = "live updates stopped: " + err.message; live.className = "error"; });
  const ticker = setInterval(() => {
    for (const el of root.querySelectorAll(".countdown[data-deadline]")) el.textContent = fmt.countdown(el.dataset.deadline);
  }, 1000);

  await Promise.all([
    openCard.load(OPEN, {}, (d) => {
      for (const e of d.clarificationTickets.edges) tickets.set(e.node.id, e.node);
      openTotal = d.clarificationTickets.totalCount;
      paintOpen();
      return h("div", {}, openCount, list);
    }),
    loadDecided(),
    loadAssumptions(),
  ]);
  live.textContent = openCard.el.dataset.state === "ready" ? "● live" : "";
  return () => { unsubscribe(); clearInterval(ticker); };
}
