// The inputs' API resources as the web app reads them: aliases of the schema generated
// from the OpenAPI document (src/api/schema.d.ts, `make web-types`). The questionnaire
// ones are PROVISIONAL (written from contract14) until the questionnaire routes merge.
import type { components } from "../api/schema";

type S = components["schemas"];

export const STAKEHOLDERS = ["government", "civil_society", "business", "technical_academic", "international_organization", "other"] as const;
export type Stakeholder = (typeof STAKEHOLDERS)[number];
export const GROUPINGS = ["A", "B", "C", "D", "E"] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface Question {
  number: number;
  kind: "stakeholder" | "text" | "comments";
  text: string;
  grouping: Grouping | null;
}

export interface Questionnaire {
  id: number;
  group_id: number;
  title: string;
  draft_document: string;
  state: "draft" | "published" | "closed";
  deadline: string | null;
  deadline_utc: string | null;
  time_zone: string;
  version: number;
  questions: Question[];
  frozen: boolean;
  responses: number;
}

export interface QuestionnaireList {
  questionnaires: Questionnaire[];
}

export interface Extension {
  old: string | null;
  new: string;
  decision: string;
  by: string;
  at: string;
}

export interface Respondent {
  name: string;
  organisation: string;
  country: string;
}

export interface AnswerText {
  number: number;
  text: string;
}

export interface ResponseBody {
  stakeholder: Stakeholder;
  respondent: Respondent;
  answers: AnswerText[];
  submit: boolean;
}

export interface Receipt {
  id: number;
  state: "draft" | "submitted";
  late: boolean;
  draft_token: string;
  submitted_at: string | null;
}

export interface SavedDraft extends ResponseBody {
  state: "draft" | "submitted";
}

export interface ResponseRow {
  id: number;
  stakeholder: Stakeholder;
  respondent: Respondent;
  submitted_at: string | null;
  late: boolean;
  version: number;
  answers: AnswerText[];
}

export interface ResponseList {
  responses: ResponseRow[];
}

export interface QuestionAnswer {
  response_id: number;
  stakeholder: Stakeholder;
  respondent: Respondent;
  late: boolean;
  text: string;
}

export interface QuestionGroup {
  number: number;
  text: string;
  grouping: Grouping | null;
  answers: QuestionAnswer[];
}

export interface ByQuestion {
  questions: QuestionGroup[];
}

export interface Counts {
  total: number;
  on_time: number;
  late: number;
}

export interface Distribution extends Counts {
  by_stakeholder: Record<string, Counts>;
}

export interface SearchHit {
  response_id: number;
  question: number;
  snippet: string;
}

export interface SearchHits {
  hits: SearchHit[];
}

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
