// JSON calls to the HTTP API; the browser sends the HttpOnly session cookie itself.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's details (a 422 names each bad field in `fields`). */
    readonly details: { fields?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(message);
  }
}

type ErrorBody = { error?: { code?: string; message?: string; details?: ApiError["details"] } } | null;

function apiError(resp: Response, body: unknown): ApiError {
  const err = (body as ErrorBody)?.error;
  return new ApiError(resp.status, err?.code ?? "http_" + resp.status, err?.message ?? resp.statusText, err?.details ?? {});
}

export async function getJson<T>(path: string): Promise<T> {
  const resp = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body: unknown = await resp.json().catch(() => null);
  if (!resp.ok) throw apiError(resp, body);
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

/** A JSON command (POST / PUT / PATCH / DELETE); a 204 answers null. Errors as ApiError (code). */
export async function sendJson<T>(method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { Accept: "application/json", "Content-Type": "application/json", ...headers };
  }
  let resp: Response;
  try {
    resp = await fetch(path, init);
  } catch {
    throw new ApiError(0, "offline", "the server could not be reached");
  }
  if (resp.status === 204) return null as T;
  const answer: unknown = await resp.json().catch(() => null);
  if (!resp.ok) throw apiError(resp, answer);
  return answer as T;
}
