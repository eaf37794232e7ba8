// The dashboard shell: the key (entered once, kept in sessionStorage), the role, and the page router.
import { closeSubscriptions, gql, h, session } from "./lib.js";
import * as costs from "./pages/costs.js";
import * as clarifications from "./pages/clarifications.js";
import * as economy from "./pages/economy.js";
import * as debug from "./pages/debug.js";
import * as context from "./pages/context.js";

const PAGES = { costs, clarifications, economy, debug, context };
const pageEl = document.getElementById("page");
const keyForm = document.getElementById("key-form");
let cleanup = () => {};
let viewer = null;

async function whoAmI() {
  if (!session.key()) return null;
  return (await gql("{ viewer { name role } }")).viewer;
}

function showWho() {
  const who = document.getElementById("who");
  const label = viewer ? `${viewer.name} · ${viewer.role}` : "anonymous · public data only";
  who.replaceChildren(h("span", { id: "role", dataset: { role: viewer ? viewer.role : "ANONYMOUS" } }, label),
    h("button", { type: "button", onclick: forget }, viewer ? "Forget key" : "Enter a key"));
}

function forget() {
  session.forget();
  closeSubscriptions();
  cleanup();
  viewer = null;
  pageEl.replaceChildren();
  document.getElementById("who").replaceChildren();
  askForKey();
}

function askForKey(message = "") {
  keyForm.hidden = false;
  document.getElementById("key-error").textContent = message;
  document.getElementById("key-input").focus();
}

document.getElementById("key").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = document.getElementById("key-input");
  const key = input.value.trim();
  if (!key) return askForKey("Paste a key that starts with omk_.");
  try {
    viewer = (await gql("{ viewer { name role } }", {}, key)).viewer;
  } catch (err) {
    return askForKey(err.code === "UNAUTHENTICATED" ? "This key is unknown, malformed or revoked." : err.message);
  }
  input.value = "";
  session.save(key);
  start();
});

document.getElementById("anonymous").addEventListener("click", () => {
  session.goAnonymous();
  viewer = null;
  start();
});

function currentPage() {
  const name = location.hash.replace(/^#\/?/, "");
  return PAGES[name] ? name : "costs";
}

async function show() {
  cleanup();
  delete document.body.dataset.ready;
  const name = currentPage();
  for (const link of document.querySelectorAll("#nav a[data-page]")) {
    link.classList.toggle("active", link.dataset.page === name);
  }
  const root = h("div", { id: "page-" + name });
  pageEl.replaceChildren(root);
  cleanup = (await PAGES[name].render(root)) || (() => {});
  document.body.dataset.readyMs = String(Math.round(performance.now())); // since navigation began
  document.body.dataset.ready = name;
}

function start() {
  keyForm.hidden = true;
  showWho();
  show();
}

window.addEventListener("hashchange", () => { if (keyForm.hidden) show(); });

(async function boot() {
  if (session.key()) {
    // the page's own queries start at once; who the key belongs to fills the header when it answers
    const who = whoAmI();
    keyForm.hidden = true;
    show();
    try {
      viewer = await who;
      showWho();
    } catch (err) {
      forget();
      askForKey("The saved key no longer works: " + err.message);
    }
    return;
  }
  if (session.anonymous()) return start();
  askForKey();
})();
