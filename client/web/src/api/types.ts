// The API's resources as the web app reads them: generated from the OpenAPI document
// (src/api/schema.d.ts, `make web-types`), never written by hand here.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

/** The JSON body of a GET's 200 answer on `path` (as the document spells the path). */
export type Answer<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { "application/json": infer T } } } };
}
  ? T
  : never;

/** A request body: the fields in ``K`` given, the others left to the server's defaults. */
export type Body<T, K extends keyof T> = Pick<T, K> & Partial<T>;

export type Me = Schemas["Me"];
/** A row of the server's permission matrix. */
export type Action = Me["can"][number];

/** Whether the signed-in caller may take ``action`` (a row of the server's matrix). */
export function may(me: Me, action: Action): boolean {
  return me.signed_in === true && me.can.includes(action);
}

export type Group = Schemas["Group"];
export type GroupDocument = Schemas["GroupDocument"];
export type Meeting = Schemas["Meeting"];
export type SessionInfo = Schemas["MeetingSession"];
export type StreamLink = Schemas["StreamLink"];
export type Segment = Schemas["TranscriptSegment"];
export type Comment = Schemas["Comment"];
export type CommentAnchor = Schemas["Anchor"];
export type Moderation = Comment["moderation"];
