// Debug loop: top error signatures with their best fixes, golden states waiting for review, reproducibility.
import { card, code, empty, fmt, h, stat, table } from "../lib.js";

const STATS = `{ debugStats { executions reproducibleShare stfReuseRate signatures signaturesWithConfidenceShare } }`;
const SIGNATURES = `{ errorSignatureStats(first: 10) { occurrences executions lastSeenAt
  signature { digest errorType pattern } bestFix { attempts successes confidence stf { name version } } } }`;
const GOLDEN = `{ goldenStates(status: PENDING, first: 10) { totalCount edges { node {
  id note proposedAt proposedBy { name } snapshot { step phase } } } } }`;

export async function render(root) {
  const stats = card("How well the loop works", { wide: true, id: "debug-stats" });
  const signatures = card("Top error signatures and their best fixes", { wide: true, id: "debug-signatures" });
  const golden = card("Golden states waiting for review", { id: "debug-golden" });
  root.append(h("h1", {}, "Debug loop"), h("div", { class: "grid" }, stats.el, signatures.el, golden.el));
  await Promise.all([
    stats.load(STATS, {}, (d) => {
      const s = d.debugStats;
      return h("div", { class: "stats" }, stat("executions", fmt.int(s.executions)),
        stat("reproducible share", fmt.pct(s.reproducibleShare)), stat("STF reuse rate", fmt.pct(s.stfReuseRate)),
        stat("error signatures", fmt.int(s.signatures)),
        stat("signatures with a confidence", fmt.pct(s.signaturesWithConfidenceShare)));
    }),
    signatures.load(SIGNATURES, {}, (d) => d.errorSignatureStats.length ? table([
      { title: "signature", cell: (s) => [h("b", {}, s.signature.errorType), " ", code(s.signature.pattern.slice(0, 120))] },
      { title: "seen", num: true, cell: (s) => fmt.int(s.occurrences) },
      { title: "executions", num: true, cell: (s) => fmt.int(s.executions) },
      { title: "last", cell: (s) => fmt.ago(s.lastSeenAt) },
      { title: "best fix", cell: (s) => s.bestFix ? `${s.bestFix.stf.name} v${s.bestFix.stf.version}` : h("span", { class: "muted" }, "none yet") },
      { title: "confidence", num: true, cell: (s) => s.bestFix
        ? `${fmt.pct(s.bestFix.confidence)} (${s.bestFix.successes}/${s.bestFix.attempts})` : "" },
    ], d.errorSignatureStats) : empty("No error recorded yet. Agents record errors with ", code("errorRecord"),
      " during an execution; applying an STF (", code("stfApply"), ") and recording the outcome builds each fix's confidence.")),
    golden.load(GOLDEN, {}, (d) => d.goldenStates.edges.length ? table([
      { title: "proposed", cell: (g) => fmt.ago(g.proposedAt) },
      { title: "by", cell: (g) => g.proposedBy.name },
      { title: "step", num: true, cell: (g) => `${g.snapshot.step} ${g.snapshot.phase}` },
      { title: "note", cell: (g) => g.note },
    ], d.goldenStates.edges.map((e) => e.node)) : empty("Nothing waits for review. An agent proposes a snapshot with ",
      code("goldenStatePropose"), "; a reviewer decides with ", code("goldenStateReview"), ".")),
  ]);
}
