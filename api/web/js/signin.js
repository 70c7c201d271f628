// Sign in with an API key: check it with /v1/me, keep it for this tab, go to the role's page.

import { api, ApiError, clearKey, getKey, setKey } from "./api.js";
import { $, say } from "./dom.js";
import { languageSwitch, loadMessages } from "./i18n.js";
import { HOME } from "./session.js";

await loadMessages();
$("#main").prepend(languageSwitch());

const form = $("#signin-form");
const input = $("#api-key");
const status = $("#signin-status");

async function enter() {
  const me = await api("/me");
  location.assign(HOME[me.role] ?? "/");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = input.value.trim();
  if (!key) {
    say(status, "Enter your API key.", "error");
    input.focus();
    return;
  }
  setKey(key);
  say(status, "Checking your key…");
  try {
    await enter();
  } catch (error) {
    clearKey();
    const text = error instanceof ApiError && error.status === 401 ? "This key is not valid." : error.message;
    say(status, text, "error");
    input.focus();
  }
});

// Organisation sign-in (OpenID Connect) is offered when the server has a provider set up.
fetch("/auth/oidc/config")
  .then((r) => (r.ok ? r.json() : { enabled: false }))
  .then((c) => ($("#oidc").hidden = !c.enabled))
  .catch(() => {});

// Back from the provider: the session arrives in the fragment (never sent to a server); keep it
// for this tab like a key and remove it from the address bar and history.
const session = new URLSearchParams(location.hash.slice(1)).get("session");
if (session) {
  history.replaceState(null, "", "/");
  setKey(session);
}

const reason = new URLSearchParams(location.search).get("signed-out");
if (reason === "expired") say(status, "Your key is no longer valid: sign in again.", "error");
else if (reason) say(status, "You are signed out.");
else if (getKey()) enter().catch(() => {
  clearKey();
  if (session) say(status, "The organisation sign-in did not give a valid session: try again.", "error");
});
input.focus();
