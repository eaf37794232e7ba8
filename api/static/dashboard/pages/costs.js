// Costs: spend over time stacked by model or agent, the priced share, the costliest executions, unpriced calls.
import { card, code, daysAgo, empty, fmt, h, stat, table } from "../lib.js";

const COLORS = ["#3559d6", "#e0803a", "#2e9e5b", "#b5479f", "#d2453d", "#1e9fb3", "#8c8f99"];
const WINDOWS = {
  "24h": { days: 1, bucket: "HOUR", label: "last 24 hours, hourly" },
  "7d": { days: 7, bucket: "DAY", label: "last 7 days, daily" },
  "30d": { days: 30, bucket: "DAY", label: "last 30 days, daily" },
};

const SERIES = `query CostSeries($groupBy: CostSeriesBy!, $from: DateTime!, $bucket: TimeBucket!) {
  costSeries(groupBy: $groupBy, from: $from, bucket: $bucket, top: 6) { starts lines { key total calls cost } }
}`;
const SUMMARY = `query CostSummary($from: DateTime!) {
  costSummary(groupBy: CORRELATION, from: $from, first: 10) {
    total { calls pricedCalls pricedShare cost inputTokens outputTokens }
    groups { key calls pricedShare cost }
    unpriced { provider model calls reason }
  }
}`;

const NO_CALLS = () => empty("No LLM calls in this window. Agents record them with the ", code("llmCallsRecord"),
  " mutation (after ", code("executionStart"), "), or send OpenTelemetry GenAI spans to ", code("/v1/traces"),
  ". See docs/dashboard.md.");

function chart(series) {
  const holder = h("div", { class: "chart", id: "cost-chart" });
  const xs = series.starts.map((s) => new Date(s).getTime() / 1000);
  const step = xs.length > 1 ? xs[1] - xs[0] : 3600;
  // stacked: each line is drawn as the running sum of itself and the lines after it, the biggest total first
  const lines = series.lines;
  const stacked = lines.map((_, i) => xs.map((__, j) => lines.slice(i).reduce((sum, l) => sum + Number(l.cost[j]), 0)));
  const opts = {
    width: 900, height: 280,
    scales: { x: { time: true, range: (u, min, max) => [min - step / 2, max + step / 2] } },
    axes: [{}, { values: (u, ticks) => ticks.map((t) => "$" + t.toFixed(t < 1 ? 4 : 2)), size: 84 }],
    legend: { show: false },
    // bars drawn biggest stack first, so each line's bar shows above the ones below it
    series: [{}, ...lines.map((l, i) => ({ label: l.key, stroke: COLORS[i % COLORS.length],
      fill: COLORS[i % COLORS.length] + "cc", width: 0, points: { show: false },
      paths: uPlot.paths.bars({ size: [0.7, 60] }) }))],
  };
  requestAnimationFrame(() => {
    opts.width = Math.max(400, holder.clientWidth || 900);
    new uPlot(opts, [xs, ...stacked], holder);
  });
  const legend = table([
    { title: "line", cell: (r) => [h("span", { style: `background:${COLORS[r.i % COLORS.length]}` }), r.key] },
    { title: "calls", num: true, cell: (r) => fmt.int(r.calls.reduce((a, b) => a + b, 0)) },
    { title: "USD", num: true, cell: (r) => fmt.usd(r.total) },
  ], lines.map((l, i) => ({ ...l, i })));
  legend.classList.add("legend");
  legend.id = "cost-legend";
  return h("div", {}, holder, legend);
}

export async function render(root) {
  let windowName = "7d";
  let groupBy = "MODEL";
  const controls = h("div", { class: "controls" });
  const spend = card("Spend over time", { wide: true, id: "costs-spend" });
  const totals = card("Priced share and totals", { id: "costs-totals" });
  const top = card("Most expensive executions", { id: "costs-executions" });
  const unpriced = card("Unpriced calls", { id: "costs-unpriced" });
  root.append(h("h1", {}, "Costs"), controls, h("div", { class: "grid" }, spend.el, totals.el, top.el, unpriced.el));

  function select(options, value, onchange) {
    return h("select", { onchange: (e) => onchange(e.target.value) },
      Object.entries(options).map(([k, label]) => h("option", { value: k, selected: k === value }, label)));
  }

  async function load() {
    const win = WINDOWS[windowName];
    const from = daysAgo(win.days);
    await Promise.all([
      spend.load(SERIES, { groupBy, from, bucket: win.bucket }, (d) =>
        d.costSeries.lines.length ? chart(d.costSeries) : NO_CALLS()),
      totals.load(SUMMARY, { from }, (d) => {
        const t = d.costSummary.total;
        top.body.replaceChildren(d.costSummary.groups.length ? table([
          { title: "execution (correlation id)", cell: (g) => code(g.key) },
          { title: "calls", num: true, cell: (g) => fmt.int(g.calls) },
          { title: "priced", num: true, cell: (g) => fmt.pct(g.pricedShare) },
          { title: "USD", num: true, cell: (g) => fmt.usd(g.cost) },
        ], d.costSummary.groups) : NO_CALLS());
        unpriced.body.replaceChildren(d.costSummary.unpriced.length ? table([
          { title: "model", cell: (u) => `${u.provider}/${u.model}` },
          { title: "calls", num: true, cell: (u) => fmt.int(u.calls) },
          { title: "why", cell: (u) => u.reason },
        ], d.costSummary.unpriced) : empty("Every call in this window has a price. When a model has none, its calls show "
          + "here; set one with ", code("modelPriceUpsert"), ", then ", code("llmCallsReprice"), "."));
        return h("div", { class: "stats" }, stat("spent (USD)", fmt.usd(t.cost)), stat("calls", fmt.int(t.calls)),
          stat("priced share", fmt.pct(t.pricedShare)), stat("input tokens", fmt.int(t.inputTokens)),
          stat("output tokens", fmt.int(t.outputTokens)));
      }),
    ]);
    for (const c of [top, unpriced]) {  // filled from the same query as the totals
      if (totals.el.dataset.state !== "ready") c.body.replaceChildren(totals.body.firstChild.cloneNode(true));
      c.el.dataset.state = totals.el.dataset.state;
    }
  }

  controls.append(
    h("label", {}, "Window ", select(Object.fromEntries(Object.entries(WINDOWS).map(([k, w]) => [k, w.label])),
      windowName, (v) => { windowName = v; load(); })),
    h("label", {}, "Lines by ", select({ MODEL: "model", AGENT: "agent" }, groupBy, (v) => { groupBy = v; load(); })),
    h("button", { type: "button", id: "costs-refresh", onclick: load }, "Refresh"),
  );
  await load();
}
