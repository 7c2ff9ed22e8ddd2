// Rows kept live: the latest version of each record by key, from the live topic's state
// and events and from the answers to our own writes (whichever comes first; an older
// revision never replaces a newer one); saving an edited row against its revision.
import { ApiError, sendJson } from "../api/http";
import { errorText } from "./common";

export class Rows<T extends { revision: number }, K = number> {
  readonly rows = new Map<K, T>();
  constructor(private readonly key: (row: T) => K) {}

  replaceAll(rows: readonly T[]): void {
    this.rows.clear();
    for (const r of rows) this.rows.set(this.key(r), r);
  }

  /** Keep `row` unless we already hold a newer revision of it. */
  put(row: T, force = false): void {
    const old = this.rows.get(this.key(row));
    if (!force && old && old.revision > row.revision) return;
    this.rows.set(this.key(row), row);
  }

  remove(row: T): void {
    this.rows.delete(this.key(row));
  }

  list(compare: (a: T, b: T) => number): T[] {
    return Array.from(this.rows.values()).sort(compare);
  }
}

/** Where an edited row's save lands: the rows, the row's key among those being edited,
 * the table to render again and the status line with what it says. */
export interface RowSave<T extends { revision: number }> {
  rows: Rows<T>;
  editing: Set<number>;
  key: number;
  render: () => void;
  status: HTMLElement;
  saved: (got: T) => string;
  stale: () => string;
}

/** PATCH `url` with `body` (which carries the row's revision): the answer replaces the row;
 * a stale revision (someone saved first) shows the row as it is now and says so. Either
 * way the edit ends (`done`); any other error stays in the status line, the edit open. */
export function saveRow<T extends { revision: number }>(url: string, body: object, on: RowSave<T>, done: () => void): void {
  sendJson<T>("PATCH", url, body)
    .then((got) => {
      on.editing.delete(on.key);
      on.rows.put(got);
      on.render();
      on.status.textContent = on.saved(got);
      done();
    })
    .catch((err: unknown) => {
      if (err instanceof ApiError && err.code === "stale_revision") {
        const current = (err.details as { current?: T }).current;
        on.editing.delete(on.key);
        if (current) on.rows.put(current, true);
        on.render();
        on.status.textContent = on.stale();
        done();
        return;
      }
      on.status.textContent = errorText(err);
    });
}
