// The inputs' API resources as the web app reads them. PROVISIONAL: written from
// contract14 until the server branches are merged; then these become aliases of the
// generated schema (src/api/schema.d.ts), like src/api/types.ts.
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

export interface IssueSource {
  response_id: number;
  question: number;
  exact: string;
  prefix: string;
  suffix: string;
}

export interface Citation {
  document: string;
  paragraph_id: string;
  label: string;
}

export interface IssueItem {
  number: number;
  issue: string;
  category: string;
  grouping: Grouping | null;
  activities: string;
  status: string;
  merged_into: number | null;
  merged_from: number[];
  sources: IssueSource[];
  citations: Citation[];
  revision: number;
}

export interface IssueCounts {
  items: number;
  merged: number;
  remaining: number;
}

export interface IssueTable {
  items: IssueItem[];
  counts: IssueCounts;
}

export interface Person {
  id: number;
  name: string;
}

export interface CorrespondenceGroup {
  id: number;
  group_id: number;
  title: string;
  terms_document: string;
  chair: Person | null;
  members: Person[];
  deadline: string | null;
  report_document: string | null;
  compilation_document: string | null;
  meeting_id: number | null;
}

export interface MappingArea {
  id: number;
  number: number;
  area: string;
  mechanisms: string;
  gaps: string;
  contributions: string;
  revision: number;
}

export interface MappingAreas {
  areas: MappingArea[];
}
