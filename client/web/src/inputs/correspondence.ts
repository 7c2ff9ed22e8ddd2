// A correspondence group (?correspondence=<cid>): its terms of reference (a document),
// chair, members, deadline, the chair's report and the compilation of contributions,
// and its mapping table of areas (area, existing mechanisms, gaps, contributions),
// co-edited live: each row is edited with its revision (a stale edit is refused and the
// current row shown) and every viewer sees each change as it happens.
import { getJson, sendJson } from "../api/http";
import { type Answer, type Me, may } from "../api/types";
import { KeyedList, append, h } from "../lib/dom";
import { t } from "../lib/i18n";
import { link } from "../lib/nav";
import { errorText, localTime, statusLine } from "./common";
import { GroupLive, type LiveState } from "./live";
import { Rows, saveRow } from "./rows";
import type { CorrespondenceGroup, MappingArea, MappingAreas } from "./types";

const FIELDS = [
  ["area", "colArea"],
  ["mechanisms", "colMechanisms"],
  ["gaps", "colGaps"],
  ["contributions", "colContributions"],
] as const;
type Field = (typeof FIELDS)[number][0];

/** Officers name the members: `people` are the working group's, `change` adds or removes one. */
interface MemberAdmin {
  people: { id: number; name: string }[];
  change(pid: number, add: boolean): void;
}

function membersList(cg: CorrespondenceGroup, admin: MemberAdmin | null): HTMLElement[] {
  const members = cg.members ?? [];
  const list = members.length
    ? h(
        "ul",
        { class: "rt-cg-members" },
        ...members.map((m) => {
          const remove = admin ? h("button", { type: "button", class: "rt-cg-remove", "aria-label": t("removeMember", { name: m.name }) }, t("remove")) : null;
          remove?.addEventListener("click", () => admin?.change(m.id, false));
          return h("li", {}, m.name, " ", remove);
        }),
      )
    : h("p", { class: "rt-empty" }, t("noMembers"));
  if (!admin) return [list];
  const taken = new Set(members.map((m) => m.id));
  const select = h("select", { id: "cg-add-member" }, ...admin.people.filter((p) => !taken.has(p.id)).map((p) => h("option", { value: String(p.id) }, p.name)));
  const form = h("form", { class: "rt-cg-add-member" }, h("label", { for: "cg-add-member" }, t("addMember")), " ", select, " ", h("button", { type: "submit" }, t("add")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (select.value) admin.change(Number(select.value), true);
  });
  return [list, form];
}

function header(cg: CorrespondenceGroup, admin: MemberAdmin | null): HTMLElement[] {
  return [
    h("h1", {}, cg.title),
    h(
      "dl",
      { class: "rt-cg-facts" },
      h("dt", {}, t("termsOfReference")),
      h("dd", {}, link({ doc: cg.terms_document }, cg.terms_document)),
      h("dt", {}, t("chair")),
      h("dd", { class: "rt-cg-chair" }, cg.chair?.name ?? "—"),
      cg.deadline ? h("dt", {}, t("deadlineLabel")) : null,
      cg.deadline ? h("dd", {}, localTime(cg.deadline)) : null,
      cg.report_document ? h("dt", {}, t("report")) : null,
      cg.report_document ? h("dd", {}, link({ doc: cg.report_document }, cg.report_document)) : null,
      cg.compilation_document ? h("dt", {}, t("compilation")) : null,
      cg.compilation_document ? h("dd", {}, link({ doc: cg.compilation_document }, cg.compilation_document)) : null,
    ),
    h("h2", {}, t("members")),
    ...membersList(cg, admin),
  ];
}

export async function correspondencePage(me: Me, cidText: string): Promise<HTMLElement> {
  const cid = Number(cidText);
  const base = `/api/correspondence/${cid}`;
  let cg = await getJson<CorrespondenceGroup>(base);
  document.title = cg.title + " — rollingtext";
  const mayEdit = (): boolean =>
    may(me, "manage_correspondence") || (me.person_id != null && (cg.chair?.id === me.person_id || (cg.members ?? []).some((m) => m.id === me.person_id)));
  const rows = new Rows<MappingArea>((a) => a.id);
  const editing = new Set<number>();
  const status = statusLine();
  const head = h("div", { class: "rt-cg-head" });
  const liveEl = h("p", { class: "rt-conn", "data-state": "connecting" });
  const tbody = h("tbody", {});
  const empty = h("p", { class: "rt-empty" }, t("noAreas"));

  const save = (area: MappingArea, values: Record<Field, string>, done: () => void): void => {
    const on = { rows, editing, key: area.id, render, status, saved: (got: MappingArea) => t("areaSaved", { n: got.number }), stale: () => t("staleArea", { n: area.number }) };
    saveRow(`${base}/areas/${area.id}`, { ...values, revision: area.revision }, on, done);
  };

  const editRow = (area: MappingArea): HTMLElement => {
    const inputs = {} as Record<Field, HTMLTextAreaElement>;
    const cells = FIELDS.map(([f, key]) => {
      const area_ = h("textarea", { id: `area-${area.id}-${f}`, rows: 3, "aria-label": `${t(key)} (${area.number})`, "data-field": f });
      area_.value = area[f];
      inputs[f] = area_;
      return h("td", {}, area_);
    });
    const saveBtn = h("button", { type: "button", class: "rt-row-save" }, t("save"));
    const cancelBtn = h("button", { type: "button", class: "rt-row-cancel" }, t("cancel"));
    const focusEdit = (): void => (tbody.querySelector<HTMLElement>(`tr[data-id="${area.id}"] .rt-row-edit`) ?? head).focus();
    saveBtn.addEventListener("click", () => {
      const values = Object.fromEntries(FIELDS.map(([f]) => [f, inputs[f].value.trim()])) as Record<Field, string>;
      save(area, values, focusEdit);
    });
    cancelBtn.addEventListener("click", () => {
      editing.delete(area.id);
      render();
      focusEdit();
    });
    const row = h("tr", { "data-id": String(area.id), class: "rt-editing" }, h("th", { scope: "row" }, String(area.number)), ...cells, h("td", {}, h("div", { class: "rt-buttons" }, saveBtn, cancelBtn)));
    row.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") cancelBtn.click();
    });
    queueMicrotask(() => inputs.area.focus());
    return row;
  };

  const viewRow = (area: MappingArea): HTMLElement => {
    const edit = h("button", { type: "button", class: "rt-row-edit", "aria-label": t("editArea", { n: area.number }) }, t("edit"));
    edit.addEventListener("click", () => {
      editing.add(area.id);
      render();
    });
    const del = h("button", { type: "button", class: "rt-row-delete", "aria-label": t("deleteArea", { n: area.number }) }, t("delete"));
    del.addEventListener("click", () => {
      sendJson<null>("DELETE", `${base}/areas/${area.id}`)
        .then(() => {
          rows.remove(area);
          render();
          head.focus();
        })
        .catch((err: unknown) => (status.textContent = errorText(err)));
    });
    return h(
      "tr",
      { "data-id": String(area.id), "data-revision": String(area.revision) },
      h("th", { scope: "row" }, String(area.number)),
      ...FIELDS.map(([f]) => h("td", { class: "rt-c-" + f }, area[f])),
      h("td", {}, mayEdit() ? h("div", { class: "rt-buttons" }, edit, del) : null),
    );
  };

  const list = new KeyedList<MappingArea>(
    tbody,
    (a) => a.id,
    (a) => (editing.has(a.id) ? "edit" : JSON.stringify(a) + mayEdit()),
    (a) => (editing.has(a.id) ? editRow(a) : viewRow(a)),
    (el, focused) => (el.querySelector<HTMLElement>(focused.className ? "." + focused.className.split(" ")[0] : "button") ?? el).focus(),
  );
  function render(): void {
    const areas = rows.list((a, b) => a.number - b.number || a.id - b.id);
    list.render(areas);
    empty.hidden = areas.length > 0;
    head.replaceChildren(...header(cg, admin));
    addForm.hidden = !mayEdit();
    renderDocs();
  }

  // Officers name the members, from the working group's people.
  let admin: MemberAdmin | null = null;
  if (may(me, "manage_correspondence")) {
    const people = await getJson<Answer<"/api/groups/{gid}/people">>(`/api/groups/${cg.group_id}/people`).catch(() => null);
    admin = {
      people: (people?.people ?? []).filter((p) => p.active),
      change: (pid, add) => {
        sendJson<CorrespondenceGroup>(add ? "PUT" : "DELETE", `${base}/members/${pid}`)
          .then((got) => {
            cg = got;
            render();
            head.focus();
          })
          .catch((err: unknown) => (status.textContent = errorText(err)));
      },
    };
  }

  // Officers make the chair's report and the compilation, attached to a meeting.
  const docsForm = h("form", { class: "rt-cg-docs", hidden: true });
  if (may(me, "manage_correspondence")) {
    const meetings = await getJson<Answer<"/api/groups/{gid}/meetings">>(`/api/groups/${cg.group_id}/meetings`).catch(() => null);
    const meeting = h("select", { id: "cg-meeting" }, h("option", { value: "" }, t("noMeeting")), ...(meetings?.meetings ?? []).map((m) => h("option", { value: String(m.id) }, m.title)));
    const make = (role: "report" | "compilation", label: string): HTMLButtonElement => {
      const button = h("button", { type: "button", class: "rt-cg-make-" + role }, label);
      button.addEventListener("click", () => {
        sendJson<CorrespondenceGroup>("POST", `${base}/documents`, meeting.value ? { role, meeting_id: Number(meeting.value) } : { role })
          .then((got) => {
            cg = got;
            render();
            status.textContent = t("documentCreated", { name: (role === "report" ? got.report_document : got.compilation_document) ?? "" });
          })
          .catch((err: unknown) => (status.textContent = errorText(err)));
      });
      return button;
    };
    append(docsForm, h("div", { class: "rt-field" }, h("label", { for: "cg-meeting" }, t("presentedAt")), meeting), h("div", { class: "rt-buttons" }, make("report", t("createReport")), make("compilation", t("createCompilation"))));
    docsForm.hidden = false;
  }
  const renderDocs = (): void => {
    docsForm.querySelector<HTMLElement>(".rt-cg-make-report")?.toggleAttribute("hidden", cg.report_document !== null);
    docsForm.querySelector<HTMLElement>(".rt-cg-make-compilation")?.toggleAttribute("hidden", cg.compilation_document !== null);
    if (cg.report_document !== null && cg.compilation_document !== null) docsForm.hidden = true;
  };

  // A new area.
  const newArea = h("input", { type: "text", id: "new-area", maxlength: 2000 });
  const addForm = h(
    "form",
    { class: "rt-new-area", "aria-labelledby": "new-area-title" },
    h("h2", { id: "new-area-title" }, t("newArea")),
    h("div", { class: "rt-field" }, h("label", { for: "new-area" }, t("colArea")), newArea),
    h("button", { type: "submit" }, t("add")),
  );
  addForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!newArea.value.trim()) return;
    sendJson<MappingArea>("POST", `${base}/areas`, { area: newArea.value.trim() })
      .then((got) => {
        rows.put(got);
        newArea.value = "";
        render();
        status.textContent = t("areaSaved", { n: got.number });
      })
      .catch((err: unknown) => (status.textContent = errorText(err)));
  });

  rows.replaceAll((await getJson<MappingAreas>(`${base}/areas`)).areas);
  const liveText = (s: LiveState): void => {
    liveEl.dataset["state"] = s;
    liveEl.textContent = t(s === "connected" ? "connected" : s === "connecting" ? "connecting" : "offlineNone");
  };
  const live = new GroupLive(cg.group_id, {
    state: (s) => {
      const mine = s.correspondence.find((c) => c.correspondence.id === cid);
      if (!mine) return;
      cg = mine.correspondence;
      rows.replaceAll(mine.areas);
      render();
    },
    area: (e) => {
      if (e.correspondence_id !== cid) return;
      if (e.action === "deleted") rows.remove(e.area);
      else rows.put(e.area, true);
      render();
    },
    correspondence: (e) => {
      if (e.correspondence.id !== cid) return;
      cg = e.correspondence;
      render();
    },
    connection: liveText,
  });
  liveText(live.state());
  head.tabIndex = -1;

  const root = h("div", { class: "rt-cg-page" });
  append(
    root,
    h("div", { class: "rt-docbar" }, me.group_id ? link({ group: String(me.group_id) }, t("back")) : h("span", {}), liveEl),
    head,
    docsForm,
    h("h2", { id: "mapping-title" }, t("mappingTable")),
    status,
    h(
      "div",
      { class: "rt-table-scroll", tabindex: "0", role: "region", "aria-labelledby": "mapping-title" },
      h(
        "table",
        { class: "rt-table rt-mapping" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, t("colNo")), ...FIELDS.map(([, key]) => h("th", { scope: "col" }, t(key))), h("th", { scope: "col" }, h("span", { class: "rt-visually-hidden" }, t("edit")))),
        ),
        tbody,
      ),
    ),
    empty,
    addForm,
  );
  render();
  return root;
}
