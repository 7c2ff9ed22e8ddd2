// The document's own governed metadata (title, kind, the session it belongs to), changed
// by chair and secretariat through PATCH /api/documents/D; every page sees it live (meta).
import { getJson, sendJson } from "../api/http";
import type { Answer, SessionInfo } from "../api/types";
import { DOCUMENT_KINDS } from "../doc/schema.gen";
import { documentSession, metaField } from "../doc/schema";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import type { GovContext } from "./context";

/** The sessions of the caller's group that work on `name`. */
async function sessionsOf(ctx: GovContext, name: string): Promise<SessionInfo[]> {
  if (!ctx.me.group_id) return [];
  const meetings = await getJson<Answer<"/api/groups/{gid}/meetings">>(`/api/groups/${ctx.me.group_id}/meetings`);
  const out: SessionInfo[] = [];
  for (const m of meetings.meetings) {
    const list = await getJson<Answer<"/api/meetings/{mid}/sessions">>(`/api/meetings/${m.id}/sessions`);
    out.push(...list.sessions.filter((s) => s.document === name));
  }
  return out;
}

export function documentDetails(ctx: GovContext, name: string): HTMLElement {
  const title = h("input", { id: "doc-title", type: "text", maxlength: 200, required: true });
  const kind = h("select", { id: "doc-kind" });
  for (const k of DOCUMENT_KINDS) kind.appendChild(h("option", { value: k }, k));
  const session = h("select", { id: "doc-session" });
  const save = h("button", { type: "submit" }, t("save"));
  const cancel = h("button", { type: "button" }, t("cancel"));
  const form = h(
    "form",
    { class: "rt-inline-form rt-doc-details", hidden: true, "aria-label": t("documentDetails") },
    h("div", { class: "rt-field" }, h("label", { for: title.id }, t("titleField")), title),
    h("div", { class: "rt-field" }, h("label", { for: kind.id }, t("kindField")), kind),
    h("div", { class: "rt-field" }, h("label", { for: session.id }, t("sessionField")), session),
    h("div", { class: "rt-buttons" }, save, cancel),
  );
  const open = h("button", { type: "button", class: "rt-doc-details-open" }, t("documentDetails"));
  open.addEventListener("click", () => {
    title.value = metaField(ctx.doc, "title");
    kind.value = metaField(ctx.doc, "kind") || "rolling";
    const current = documentSession(ctx.doc);
    session.replaceChildren(h("option", { value: "" }, t("noSession")));
    if (current !== null) session.appendChild(h("option", { value: String(current) }, "#" + current));
    session.value = current === null ? "" : String(current);
    form.hidden = false;
    title.focus();
    void sessionsOf(ctx, name)
      .then((list) => {
        for (const s of list) {
          const existing = session.querySelector<HTMLOptionElement>(`option[value="${s.id}"]`);
          const text = `${s.title} (${s.status})`;
          if (existing) existing.textContent = text;
          else session.appendChild(h("option", { value: String(s.id) }, text));
        }
      })
      .catch(() => undefined);
  });
  cancel.addEventListener("click", () => (form.hidden = true));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body: { title?: string; kind?: string; session?: number | null } = {};
    if (title.value.trim() !== metaField(ctx.doc, "title")) body.title = title.value.trim();
    if (kind.value !== (metaField(ctx.doc, "kind") || "rolling")) body.kind = kind.value;
    const chosen = session.value ? Number(session.value) : null;
    if (chosen !== documentSession(ctx.doc)) body.session = chosen;
    if (Object.keys(body).length === 0) {
      form.hidden = true;
      return;
    }
    save.disabled = true;
    void ctx
      .run(() => sendJson("PATCH", `/api/documents/${encodeURIComponent(name)}`, body))
      .then((done) => {
        if (done !== null) form.hidden = true;
      })
      .finally(() => (save.disabled = false));
  });
  return h("div", { class: "rt-doc-tools" }, open, form);
}
