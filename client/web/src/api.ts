// JSON calls to the HTTP API; the browser sends the HttpOnly session cookie itself.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const resp = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body: unknown = await resp.json().catch(() => null);
  if (!resp.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(resp.status, err?.code ?? "http_" + resp.status, err?.message ?? resp.statusText);
  }
  return body as T;
}

/** GET, remembering the answer so the app can start offline (last known answer). */
export async function getCached<T>(path: string): Promise<T> {
  const key = "rt-cache:" + path;
  try {
    const value = await getJson<T>(path);
    localStorage.setItem(key, JSON.stringify(value));
    return value;
  } catch (err) {
    const stored = localStorage.getItem(key);
    if (stored !== null && !(err instanceof ApiError)) return JSON.parse(stored) as T;
    throw err;
  }
}

export interface Me {
  signed_in: boolean;
  name?: string;
  role?: string;
  group_id?: number | null;
  person_id?: number | null;
  /** The delegation (or observer's organization) the person speaks for. */
  delegation?: string | null;
  /** Every action this caller may take: the server's permission matrix, the only source. */
  can: string[];
}

/** Whether the signed-in caller may take ``action`` (a row of the server's matrix). */
export function may(me: Me, action: string): boolean {
  return me.signed_in === true && me.can.includes(action);
}

export interface Group {
  id: number;
  slug: string;
  name: string;
  mandate: string;
  public_follow: boolean;
}

export interface DocumentInfo {
  name: string;
  title: string;
  kind: string;
  public: boolean;
  group_id: number;
}

export interface Meeting {
  id: number;
  number: number;
  title: string;
  venue: string;
  starts_on: string;
  ends_on: string;
}

export interface StreamLink {
  id: number;
  kind: string;
  language: string;
  url: string;
  mode: string;
}

export interface SessionInfo {
  id: number;
  meeting_id: number;
  group_id: number;
  kind: string;
  title: string;
  status: string;
  document: string;
  scheduled_start: string;
  scheduled_end: string;
  streams?: StreamLink[];
}

export interface Segment {
  id: number;
  speaker: string;
  delegation: string;
  start_ms: number;
  end_ms: number;
  language: string;
  text: string;
  revision: number;
}

