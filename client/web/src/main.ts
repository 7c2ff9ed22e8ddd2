// Entry point: route by query string (?doc=, ?session=, ?group=, the inputs'), keep ?lang=.
import { ApiError, getCached } from "./api/http";
import type { Me } from "./api/types";
import { documentPage } from "./pages/document";
import { h } from "./lib/dom";
import { followPage } from "./follow/page";
import { homeView } from "./pages/home";
import { inputsRoute } from "./inputs/routes";
import { LANGUAGES, lang, t } from "./lib/i18n";

function languagePicker(): HTMLElement {
  const select = h("select", { id: "lang-select" });
  for (const code of LANGUAGES) {
    const opt = h("option", { value: code }, code.toUpperCase());
    if (code === lang) opt.selected = true;
    select.appendChild(opt);
  }
  select.addEventListener("change", () => {
    const q = new URLSearchParams(location.search);
    q.set("lang", select.value);
    location.search = q.toString();
  });
  return h("div", { class: "rt-lang" }, h("label", { for: "lang-select" }, t("language")), " ", select);
}

async function start(): Promise<void> {
  document.documentElement.lang = lang;
  const main = document.getElementById("main")!;
  document.getElementById("top")!.append(h("a", { href: "/", class: "rt-brand" }, t("appName")), languagePicker());
  const q = new URLSearchParams(location.search);
  try {
    const session = q.get("session");
    if (session) {
      main.replaceChildren(followPage(session));
      return;
    }
    const me = await getCached<Me>("/api/me");
    // The inputs: ?questionnaire=, ?answer= (public), ?responses=, ?issues=, ?correspondence=.
    const inputs = await inputsRoute(me, q);
    if (inputs) {
      main.replaceChildren(inputs);
      return;
    }
    const doc = q.get("doc");
    if (doc) {
      main.replaceChildren(documentPage(me, doc));
      return;
    }
    const gid = Number(q.get("group") ?? me.group_id ?? 0);
    if (!me.signed_in && !gid) {
      main.replaceChildren(h("p", { class: "rt-note" }, t("notSignedIn")));
      return;
    }
    main.replaceChildren(await homeView(me, gid));
  } catch (err) {
    const message = err instanceof ApiError ? `${err.message} (${err.code})` : String(err);
    main.replaceChildren(h("p", { class: "rt-error", role: "alert" }, t("error", { message })));
  }
}

if ("serviceWorker" in navigator) {
  // The app shell is cached so the app starts offline; edits wait in IndexedDB.
  navigator.serviceWorker.register("/sw.js").catch(() => undefined);
}
void start();
