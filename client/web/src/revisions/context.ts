// What the versions panel's parts share: the revision commands, the caller's rights
// (rows of the server's matrix, from /api/me's `can`), the delegations' colours (the
// same ones "Colour by delegation" uses: GET .../authors), and the page's messages.
import { may } from "../api/types";
import { fallbackColour } from "../amendments/context";
import { lang, t } from "../lib/i18n";
import type { GovContext } from "../paragraphs/context";
import { RevisionApi, type DiffAuthor, type VersionSummary } from "./api";

export interface RevRights {
  /** Issue a version ("Rev.2") at any moment. */
  issue: boolean;
  /** Make a live paragraph's text what it was in a version. */
  restore: boolean;
}

export interface RevContext {
  gov: GovContext;
  api: RevisionApi;
  rights: RevRights;
  /** The colour of a delegation (or of a person without one), #rrggbb. */
  colour(who: string): string;
  /** Read the delegations' colours (again); resolves when `colour` knows them. */
  loadColours(): Promise<void>;
}

const HEX = /^#[0-9a-f]{6}$/i;

export function revContext(gov: GovContext, document: string): RevContext {
  const known = new Map<string, string>();
  return {
    gov,
    api: new RevisionApi(document),
    rights: { issue: may(gov.me, "issue_versions"), restore: may(gov.me, "restore_from_version") },
    colour(who) {
      const c = known.get(who);
      return c && HEX.test(c) ? c : fallbackColour(who);
    },
    async loadColours() {
      try {
        for (const d of (await gov.api.authors()).delegations) known.set(d.delegation, d.colour);
      } catch {
        // The fallback colours stand in until the map can be read.
      }
    },
  };
}

/** Whose colour a diff author carries: their delegation's, else their own name's. */
export function authorKey(a: DiffAuthor | null): string | null {
  return a ? (a.delegation ?? a.name) : null;
}

export function authorText(a: DiffAuthor | null): string {
  if (!a) return t("unknownAuthor");
  return a.delegation ? t("personWithDelegation", { name: a.name, delegation: a.delegation }) : a.name;
}

export function versionName(v: Pick<VersionSummary, "label" | "number">): string {
  return t("versionName", { label: v.label, number: v.number });
}

export function when(iso: string): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}
