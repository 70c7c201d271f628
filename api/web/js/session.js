// Who is signed in, and the header every page shares. A page calls guard() with the roles it
// serves; anyone else goes back to the sign-in page (the API refuses them anyway).

import { api, getKey, leave } from "./api.js";
import { $, h, replace } from "./dom.js";
import { languageSwitch, loadMessages, t } from "./i18n.js";

export const HOME = {
  officer: "/officer.html",
  planner: "/planner.html",
  admin: "/admin.html",
  platform_admin: "/admin.html",
};

const NAV = {
  officer: [["nav.officer", "Officer workspace", "/officer.html"]],
  planner: [["nav.planner", "Scenario comparisons", "/planner.html"]],
  admin: [
    ["nav.admin", "Administration", "/admin.html"],
    ["nav.officer", "Officer workspace", "/officer.html"],
    ["nav.planner", "Scenario comparisons", "/planner.html"],
  ],
  platform_admin: [["nav.admin", "Administration", "/admin.html"]],
};

export function signOut() {
  leave("/?signed-out=1");
}

export async function guard(...roles) {
  if (!getKey()) {
    location.assign("/");
    return new Promise(() => {}); // never resolves: the page is going away
  }
  const [me] = await Promise.all([api("/me"), loadMessages()]);
  if (!roles.includes(me.role)) {
    location.assign(HOME[me.role] ?? "/");
    return new Promise(() => {});
  }
  renderHeader(me);
  return me;
}

function renderHeader(me) {
  const here = location.pathname;
  replace(
    $("#site-nav"),
    h(
      "ul",
      {},
      NAV[me.role].map(([key, label, href]) =>
        h("li", {}, h("a", { href, "aria-current": href === here ? "page" : null }, t(key, label))),
      ),
    ),
  );
  replace(
    $("#who"),
    h("span", { "data-testid": "who" }, `${me.name} · ${me.role} · ${me.organisation ?? "platform"}`),
    languageSwitch(),
    h("button", { type: "button", class: "quiet", onclick: signOut }, t("signout", "Sign out")),
  );
}
