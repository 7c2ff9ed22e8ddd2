// The inputs' API resources as the web app reads them: aliases of the schema generated
// from the OpenAPI document (src/api/schema.d.ts, `make web-types`), never written by
// hand here; only the value lists the pages iterate over are spelled out (and checked
// against the schema below).
import type { components } from "../api/schema";

type S = components["schemas"];

export const STAKEHOLDERS = ["government", "civil_society", "business", "technical_academic", "international_organization", "other"] as const;
export type Stakeholder = (typeof STAKEHOLDERS)[number];
export const GROUPINGS = ["A", "B", "C", "D", "E"] as const;
export type Grouping = (typeof GROUPINGS)[number];
// The lists above are the schema's own: a drift fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const CHECKED: [Same<Stakeholder, S["ResponseIn"]["stakeholder"]>, Same<Grouping, NonNullable<S["Question"]["grouping"]>>] = [true, true];

// Questionnaires and responses.
export type Question = S["Question"];
export type Questionnaire = S["Questionnaire"];
export type QuestionnaireList = S["QuestionnaireList"];
export type Extension = S["DeadlineExtension"];
export type ExtensionList = S["ExtensionList"];
export type ResponseBody = S["ResponseIn"];
export type Receipt = S["ResponseReceipt"];
export type SavedDraft = S["DraftResponse"];
export type ResponseList = S["ResponseList"];
export type ByQuestion = S["ByQuestion"];
export type Distribution = S["Distribution"];
export type SearchHits = S["SearchResult"];

// The issue table and correspondence groups: generated from the OpenAPI document.
export type IssueSource = S["IssueSource"];
export type Citation = S["Citation"];
export type IssueItem = S["IssueItem"];
export type IssueCounts = S["IssueCounts"];
export type IssueTable = S["IssueTable"];
export type Person = CorrespondenceGroup["members"][number];
export type CorrespondenceGroup = S["CorrespondenceGroup"];
export type CorrespondenceList = S["CorrespondenceList"];
export type MappingArea = S["MappingArea"];
export type MappingAreas = S["AreaList"];
