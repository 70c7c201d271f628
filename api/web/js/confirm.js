// A confirmation step as a native <dialog>: Escape or "Cancel" says no, focus starts on Cancel so a
// stray Enter never confirms. Resolves true only when the officer presses the confirming button.

import { h } from "./dom.js";

export function confirmAction({ title, text, confirm, cancel = "Cancel", danger = false }) {
  return new Promise((resolve) => {
    const id = `confirm-${Date.now()}`;
    const no = h("button", { type: "button", class: "quiet" }, cancel);
    const yes = h("button", { type: "button", class: danger ? "danger" : null }, confirm);
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-text` },
      h("h2", { id: `${id}-title` }, title),
      h("p", { id: `${id}-text` }, text),
      h("div", { class: "inline" }, yes, no),
    );
    let answer = false;
    yes.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
