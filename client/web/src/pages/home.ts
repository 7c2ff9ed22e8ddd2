// Group home: the group, its documents, its meetings and sessions (which are live).
import { getCached } from "../api/http";
import type { Answer, Me } from "../api/types";
import { h } from "../lib/dom";
import { t, tDyn } from "../lib/i18n";
import { link } from "../lib/nav";
import { inputsSection } from "../inputs/home";

export async function homeView(me: Me, gid: number): Promise<HTMLElement> {
  const [group, docs, meetings] = await Promise.all([
    getCached<Answer<"/api/groups/{gid}">>(`/api/groups/${gid}`),
    getCached<Answer<"/api/groups/{gid}/documents">>(`/api/groups/${gid}/documents`),
    getCached<Answer<"/api/groups/{gid}/meetings">>(`/api/groups/${gid}/meetings`),
  ]);
  const root = h("div", { class: "rt-home" }, h("h1", {}, group.name));
  if (me.signed_in) root.appendChild(h("p", { class: "rt-who" }, t("signedInAs", { name: me.name ?? "", role: me.role ?? "" })));
  if (group.mandate) root.appendChild(h("p", { class: "rt-mandate" }, group.mandate));

  const docList = h("ul", { class: "rt-doc-list" });
  for (const d of docs.documents) {
    docList.appendChild(
      h("li", {}, link({ doc: d.name }, d.title), " ", h("span", { class: "rt-tag" }, d.kind), d.public ? null : h("span", { class: "rt-tag" }, t("privateDoc"))),
    );
  }
  if (docs.documents.length === 0) docList.appendChild(h("li", {}, t("noDocuments")));
  root.append(h("h2", {}, t("documents")), docList);

  const meetingList = h("ul", { class: "rt-meetings" });
  for (const m of meetings.meetings) {
    const sessions = await getCached<Answer<"/api/meetings/{mid}/sessions">>(`/api/meetings/${m.id}/sessions`);
    const items = h("ul", {});
    for (const s of sessions.sessions) {
      items.appendChild(
        h(
          "li",
          { class: "rt-session" },
          h("span", { class: "rt-status rt-status-" + s.status }, tDyn("", s.status)),
          " ",
          link({ session: String(s.id) }, s.title),
          " — ",
          link({ doc: s.document }, s.document),
        ),
      );
    }
    meetingList.appendChild(h("li", {}, h("strong", {}, m.title), ` (${m.venue}, ${m.starts_on} – ${m.ends_on})`, items));
  }
  if (meetings.meetings.length === 0) meetingList.appendChild(h("li", {}, t("noMeetings")));
  root.append(h("h2", {}, t("meetings")), meetingList);
  root.append(await inputsSection(me, gid));
  return root;
}
