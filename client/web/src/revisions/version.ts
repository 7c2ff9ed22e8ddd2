// A version read back in full and read only (GET .../versions/N): its paragraphs in
// document order under their sections, each with its label, status and text, deleted
// ones marked; its opinions. Chair and secretariat (RESTORE_FROM_VERSION) get "Restore
// this paragraph" on each: the live paragraph takes that text back (a minimal edit,
// recorded as a decision), and everyone sees it live.
import { statusLabel, SECTIONS } from "../doc/schema";
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import type { VersionDetail, VersionParagraph } from "./api";
import { type RevContext, versionName } from "./context";

function restoreButton(ctx: RevContext, v: VersionDetail, p: VersionParagraph): HTMLElement {
  const name = versionName(v);
  const btn = h(
    "button",
    { type: "button", class: "rt-restore-para", "aria-label": t("restoreParagraphLabel", { label: p.label, version: name }) },
    t("restoreParagraph"),
  );
  btn.addEventListener("click", () => {
    btn.disabled = true;
    void ctx.gov
      .run(() => ctx.api.restore(v.number, p.id))
      .then((done) => {
        if (!done) return;
        const msg = t("restoredFrom", { label: p.label, version: name });
        ctx.gov.toasts.show(msg);
        ctx.gov.announce(msg);
      })
      .finally(() => (btn.disabled = false));
  });
  return btn;
}

function paragraphEl(ctx: RevContext, v: VersionDetail, p: VersionParagraph): HTMLElement {
  const deleted = p.status === "deleted";
  return h(
    "li",
    { class: "rt-vpara", "data-id": p.id, "data-status": p.status, "aria-label": t("paragraphText", { label: p.label }) },
    h("span", { class: "rt-label" }, p.label),
    h(
      "div",
      { class: "rt-vpara-body" },
      h(
        "p",
        { class: "rt-badges" },
        h("span", { class: `rt-badge rt-para-status rt-st-${p.status}` }, statusLabel(p.status)),
        p.kind !== "text" ? h("span", { class: "rt-badge" }, tDyn("kind", p.kind)) : null,
        p.sequence ? h("span", { class: "rt-badge" }, tDyn("seq", p.sequence)) : null,
        p.proposers.length ? h("span", { class: "rt-vpara-who" }, p.proposers.join(", ")) : null,
      ),
      h(deleted ? "del" : "p", { class: "rt-vpara-text" }, p.text),
      ctx.rights.restore && !deleted ? restoreButton(ctx, v, p) : null,
    ),
  );
}

/** The read-only text of version `v`. */
export function versionView(ctx: RevContext, v: VersionDetail): HTMLElement {
  const box = h("div", { class: "rt-version-text", "aria-label": t("versionText", { label: versionName(v) }), role: "region" });
  box.appendChild(h("h2", { class: "rt-version-title" }, v.title));
  for (const section of SECTIONS) {
    const paras = v.paragraphs.filter((p) => p.section === section);
    if (paras.length === 0) continue;
    box.appendChild(
      h(
        "section",
        { class: "rt-section", "data-section": section },
        h("h3", {}, tDyn("section", section)),
        h("ol", { class: "rt-vparas" }, ...paras.map((p) => paragraphEl(ctx, v, p))),
      ),
    );
  }
  if (v.opinions.length) {
    box.appendChild(
      h(
        "section",
        { class: "rt-version-opinions" },
        h("h3", {}, t("versionOpinions")),
        h(
          "ul",
          { class: "rt-opinions" },
          ...v.opinions.map((o) => h("li", { class: "rt-opinion" }, h("span", { class: "rt-opinion-who" }, t("opinionHeldBy", { delegations: o.delegations.join(", ") })), " ", o.text)),
        ),
      ),
    );
  }
  return box;
}
