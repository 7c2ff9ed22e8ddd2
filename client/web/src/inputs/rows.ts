// Rows kept live: the latest version of each record by key, from the live topic's state
// and events and from the answers to our own writes (whichever comes first; an older
// revision never replaces a newer one).
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
