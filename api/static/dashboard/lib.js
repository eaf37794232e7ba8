// What every page uses: the key, GraphQL over HTTP and over graphql-transport-ws, small DOM helpers.
const KEY = "omniclaude.apiKey";
const ANONYMOUS = "omniclaude.anonymous";

export const session = {
  key: () => sessionStorage.getItem(KEY),
  anonymous: () => sessionStorage.getItem(ANONYMOUS) === "1",
  save(key) { sessionStorage.setItem(KEY, key); sessionStorage.removeItem(ANONYMOUS); },
  goAnonymous() { sessionStorage.removeItem(KEY); sessionStorage.setItem(ANONYMOUS, "1"); },
  forget() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(ANONYMOUS); },
};

export class ApiError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

export async function gql(query, variables = {}, key = session.key()) {
  const headers = { "Content-Type": "application/json" };
  if (key) headers.Authorization = "Bearer " + key;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json().catch(() => ({}));
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, (first.extensions || {}).code || (response.status === 401 ? "UNAUTHENTICATED" : ""));
  }
  if (!response.ok) throw new ApiError("HTTP " + response.status, "HTTP");
  return body.data;
}

let wsClient = null;
function client() {
  if (!wsClient) {
    const url = location.origin.replace(/^http/, "ws") + "/graphql";
    const key = session.key();
    wsClient = graphqlWs.createClient({
      url, lazy: true, retryAttempts: Infinity,
      connectionParams: key ? { authorization: "Bearer " + key } : {},
      on: {
        connected: () => { document.body.dataset.live = "1"; },
        closed: () => { delete document.body.dataset.live; },
      },
    });
  }
  return wsClient;
}

/** Subscribe; `onData(data)` per event. Returns the unsubscribe function. */
export function subscribe(query, variables, onData, onError = () => {}) {
  return client().subscribe({ query, variables }, {
    next: (result) => (result.errors ? onError(new ApiError(result.errors[0].message,
      (result.errors[0].extensions || {}).code)) : onData(result.data)),
    error: (err) => onError(err instanceof Error ? err : new ApiError(String(err.reason || err), "WS")),
    complete: () => {},
  });
}

export function closeSubscriptions() {
  if (wsClient) { wsClient.dispose(); wsClient = null; }
}

/** h("div", {class: "x"}, child, "text") */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function code(text) { return h("code", {}, text); }

export function table(columns, rows) {
  return h("table", {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : null }, c.title)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell(row)))))));
}

export function stat(label, value) { return h("div", { class: "stat" }, h("b", {}, value), h("span", {}, label)); }

export function empty(...children) { return h("div", { class: "empty" }, ...children); }

const ROLE_HINT = {
  FORBIDDEN: "Your key's role may not see this.",
  UNAUTHENTICATED: "This needs an API key: enter one to see it.",
};

/** A card whose body comes from one query: a denial, an error or `render(data)`. */
export function card(title, { wide = false, id = null } = {}) {
  const body = h("div", { class: "body" }, h("span", { class: "muted" }, "Loading..."));
  const el = h("section", { class: "card" + (wide ? " wide" : ""), id }, h("h2", {}, title), body);
  return {
    el, body,
    async load(query, variables, render) {
      try {
        const data = await gql(query, variables);
        body.replaceChildren(render(data));
        el.dataset.state = "ready";
      } catch (err) {
        const denied = ROLE_HINT[err.code];
        body.replaceChildren(h("div", { class: denied ? "denied" : "error" },
          denied ? `${denied} (${err.message})` : `Could not load: ${err.message}`));
        el.dataset.state = denied ? "denied" : "error";
      }
    },
  };
}

export const fmt = {
  usd(value) {
    const n = Number(value || 0);
    return "$" + (n >= 100 ? n.toFixed(2) : n >= 1 ? n.toFixed(3) : n.toFixed(6)).replace(/\B(?=(\d{3})+(?!\d))(?=[^.]*(\.|$))/g, ",");
  },
  int(value) { return Number(value || 0).toLocaleString("en-US"); },
  pct(share) { return share === null || share === undefined ? "n/a" : (Number(share) * 100).toFixed(1) + "%"; },
  bytes(n) {
    n = Number(n || 0);
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
    return (i ? n.toFixed(1) : n) + " " + units[i];
  },
  time(iso) { return iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC" : ""; },
  ago(iso) {
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " d ago";
  },
  countdown(iso) {
    const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    if (s <= 0) return "deadline passed";
    const m = Math.floor(s / 60);
    return m ? `${m} min ${s % 60} s left` : `${s} s left`;
  },
};

export function daysAgo(days) { return new Date(Date.now() - days * 86400000).toISOString(); }
