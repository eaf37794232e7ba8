// Context market: bytes served and saved, top peers, retrieval latency.
import { card, code, daysAgo, empty, fmt, h, stat, table } from "../lib.js";

const STATS = `query Market($from: DateTime!) { marketStats(from: $from) { peers chunks bytesStored retrievals requesters
  servingPeers bytesServed candidateBytes tokensCharged tokensPaid averageSavingPercent latencyP50Ms latencyP99Ms } }`;
const PEERS = `query Peers($from: DateTime!) { marketTopPeers(from: $from, first: 10) {
  peer { handle } bytesServed chunksServed retrievals tokensEarned } }`;

export async function render(root) {
  const from = daysAgo(7);
  const stats = card("Served and saved (last 7 days)", { wide: true, id: "ctx-stats" });
  const latency = card("Retrieval latency", { id: "ctx-latency" });
  const peers = card("Top peers", { id: "ctx-peers" });
  root.append(h("h1", {}, "Context market"), h("div", { class: "grid" }, stats.el, latency.el, peers.el));
  await Promise.all([
    stats.load(STATS, { from }, (d) => {
      const s = d.marketStats;
      const saved = Math.max(0, Number(s.candidateBytes) - Number(s.bytesServed));
      latency.body.replaceChildren(s.retrievals ? h("div", { class: "stats" },
        stat("p50", s.latencyP50Ms === null ? "n/a" : s.latencyP50Ms.toFixed(1) + " ms"),
        stat("p99", s.latencyP99Ms === null ? "n/a" : s.latencyP99Ms.toFixed(1) + " ms"),
        stat("retrievals", fmt.int(s.retrievals))) : empty("No retrieval in the last 7 days, so no latency to show."));
      return h("div", {},
        h("div", { class: "stats" }, stat("bytes served", fmt.bytes(s.bytesServed)), stat("bytes saved", fmt.bytes(saved)),
          stat("average saving", s.averageSavingPercent === null ? "n/a" : s.averageSavingPercent + "%"),
          stat("retrievals", fmt.int(s.retrievals)), stat("tokens paid to peers", fmt.int(s.tokensPaid)),
          stat("live chunks", fmt.int(s.chunks)), stat("peers offering", fmt.int(s.peers))),
        s.chunks === 0 ? empty("Nothing on offer. Peers share chunks with ", code("contextAnnounce"),
          "; requesters pay per KB for what ", code("contextRetrieve"), " sends them.") : "");
    }),
    peers.load(PEERS, { from }, (d) => d.marketTopPeers.length ? table([
      { title: "peer", cell: (p) => p.peer.handle },
      { title: "served", num: true, cell: (p) => fmt.bytes(p.bytesServed) },
      { title: "chunks", num: true, cell: (p) => fmt.int(p.chunksServed) },
      { title: "retrievals", num: true, cell: (p) => fmt.int(p.retrievals) },
      { title: "tokens earned", num: true, cell: (p) => fmt.int(p.tokensEarned) },
    ], d.marketTopPeers) : empty("No peer served a chunk in the last 7 days.")),
  ]);
  if (stats.el.dataset.state !== "ready") latency.body.replaceChildren(stats.body.firstChild.cloneNode(true));
  latency.el.dataset.state = stats.el.dataset.state;  // filled from the same query as the stats
}
