// Economy: supply and velocity, top earners, recent transfers (live), reward refusals, disputes.
import { card, code, daysAgo, empty, fmt, h, stat, subscribe, table } from "../lib.js";

const STATS = `query Economy($from: DateTime!) { economyStats(from: $from) {
  minted burned circulatingSupply circulatingSupplyAtFrom averageCirculatingSupply spentPerWeek velocity imbalancePercent
  earnedByKind { kind amount } spentByKind { kind amount } } }`;
const EARNERS = `{ topEarners(first: 10) { handle kind earned spent balance reputation } }`;
const TRANSFERS = `{ transfers(first: 15) { edges { node { id kind amount memo createdAt debitAccount creditAccount } } } }`;
const REFUSALS = `{ rewardRefusals(first: 10) { totalCount edges { node { kind amount reason message createdAt } } } }`;
const DISPUTES = `{ disputes(state: OPEN, first: 10) { totalCount edges { node { id state reason createdAt
  transfer { kind amount debitAccount creditAccount } } } } }`;
const LIVE = `subscription { ledgerEvents { name payload createdAt } }`;

function transferRow(t) {
  return { kind: t.kind, amount: t.amount, from: t.debitAccount, to: t.creditAccount, memo: t.memo, at: t.createdAt };
}

const TRANSFER_COLUMNS = [
  { title: "when", cell: (t) => fmt.ago(t.at) },
  { title: "kind", cell: (t) => t.kind },
  { title: "from", cell: (t) => t.from },
  { title: "to", cell: (t) => t.to },
  { title: "tokens", num: true, cell: (t) => fmt.int(t.amount) },
];

const WINDOWS = { "24h": { days: 1, label: "last 24 hours" }, "7d": { days: 7, label: "last 7 days" },
  "30d": { days: 30, label: "last 30 days" } };

export async function render(root) {
  let windowName = "24h";
  const supply = card("Supply and velocity", { wide: true, id: "eco-supply" });
  const windowSelect = h("select", { id: "eco-window", onchange: (e) => { windowName = e.target.value; loadSupply(); } },
    Object.entries(WINDOWS).map(([k, w]) => h("option", { value: k, selected: k === windowName }, w.label)));
  const earners = card("Top earners", { id: "eco-earners" });
  const transfers = card("Recent transfers", { id: "eco-transfers" });
  const refusals = card("Reward refusals", { id: "eco-refusals" });
  const disputes = card("Open disputes", { id: "eco-disputes" });
  root.append(h("h1", {}, "Economy"), h("div", { class: "controls" }, h("label", {}, "Supply over the ", windowSelect)),
    h("div", { class: "grid" }, supply.el, earners.el, transfers.el, refusals.el, disputes.el));
  let recent = [];
  let unsubscribe = () => {};
  const tbody = () => transfers.body.querySelector("tbody");

  const loadSupply = () => supply.load(STATS, { from: daysAgo(WINDOWS[windowName].days) }, (d) => {
      const s = d.economyStats;
      return h("div", {},
        h("div", { class: "stats" }, stat("circulating supply", fmt.int(s.circulatingSupply)),
          stat("minted", fmt.int(s.minted)), stat("burned", fmt.int(s.burned)),
          stat("spent per week", fmt.int(s.spentPerWeek)),
          stat("velocity (spent per week / supply)", s.velocity === null ? "n/a" : Number(s.velocity).toFixed(3)),
          stat("imbalance", s.imbalancePercent === null ? "n/a" : s.imbalancePercent + "%")),
        s.minted === 0 && s.burned === 0 ? empty(`No tokens moved in the ${WINDOWS[windowName].label}. Contributors `
          + "earn tokens when their STFs are adopted or verified and when they serve context; an admin grants starter "
          + "tokens with ", code("contributorRegister"), ".") : "");
  });

  await Promise.all([
    loadSupply(),
    earners.load(EARNERS, {}, (d) => d.topEarners.length ? table([
      { title: "contributor", cell: (c) => c.handle },
      { title: "kind", cell: (c) => c.kind },
      { title: "earned", num: true, cell: (c) => fmt.int(c.earned) },
      { title: "balance", num: true, cell: (c) => fmt.int(c.balance) },
      { title: "reputation", num: true, cell: (c) => Number(c.reputation).toFixed(3) },
    ], d.topEarners) : empty("Nobody has earned tokens yet: rewards are paid for adopted and verified STFs and for "
      + "context served (see the reward policy, ", code("rewardPolicy"), ").")),
    transfers.load(TRANSFERS, {}, (d) => {
      recent = d.transfers.edges.map((e) => transferRow(e.node));
      unsubscribe = subscribe(LIVE, {}, (ev) => {
        const e = ev.ledgerEvents;
        if (e.name !== "ledger.transfer.posted.v1") return;
        const p = e.payload;
        recent = [transferRow({ kind: p.kind, amount: p.amount, debitAccount: p.debitAccount,
          creditAccount: p.creditAccount, memo: p.memo, createdAt: e.createdAt }), ...recent].slice(0, 15);
        const t = table(TRANSFER_COLUMNS, recent);
        if (tbody()) tbody().replaceWith(t.querySelector("tbody"));
        else transfers.body.replaceChildren(t);
        transfers.body.querySelector("tbody tr").classList.add("flash");
      });
      return recent.length ? table(TRANSFER_COLUMNS, recent)
        : empty("No transfer yet. They appear here live as rewards, payments and grants are posted.");
    }),
    refusals.load(REFUSALS, {}, (d) => d.rewardRefusals.edges.length ? table([
      { title: "when", cell: (r) => fmt.ago(r.createdAt) },
      { title: "kind", cell: (r) => r.kind },
      { title: "tokens", num: true, cell: (r) => fmt.int(r.amount) },
      { title: "why", cell: (r) => `${r.reason}: ${r.message}` },
    ], d.rewardRefusals.edges.map((e) => e.node)) : empty("No reward was refused: refusals come from the daily earning "
      + "cap and frozen accounts.")),
    disputes.load(DISPUTES, {}, (d) => d.disputes.edges.length ? table([
      { title: "opened", cell: (x) => fmt.ago(x.createdAt) },
      { title: "transfer", cell: (x) => `${x.transfer.kind} ${fmt.int(x.transfer.amount)} ${x.transfer.debitAccount} → ${x.transfer.creditAccount}` },
      { title: "reason", cell: (x) => x.reason },
    ], d.disputes.edges.map((e) => e.node)) : empty("No open dispute. A contributor disputes a transfer with ",
      code("disputeOpen"), "; a reviewer resolves it with ", code("disputeResolve"), ".")),
  ]);
  return () => unsubscribe();
}
