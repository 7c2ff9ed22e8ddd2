// Runs the web app's reading of the rolling text (src/doc/schema.ts, bundled with esbuild)
// on a document the Python schema wrote, for tests/unit/test_web_schema_logic.py.
// Input (stdin, JSON): {update: base64 Yjs update, texts: [string], moves: [[id, step]]}.
// Output (stdout, JSON): {records: [{id, label, status, locked, deleted, text}],
//   opinions: [...], meta: {...}, brackets: [{count, unbalanced}], moves: [after|null|"none"]}.
import { build } from "esbuild";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const entry = `
export * from "./src/doc/schema";
export { Doc, applyUpdate } from "yjs";
`;
const bundled = await build({
  stdin: { contents: entry, resolveDir: new URL("..", import.meta.url).pathname, loader: "ts" },
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
  logLevel: "error",
});
const dir = await mkdtemp(join(tmpdir(), "rt-schema-check-"));
const file = join(dir, "schema.mjs");
await writeFile(file, bundled.outputFiles[0].text);
const s = await import(pathToFileURL(file).href);
await rm(dir, { recursive: true, force: true });

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const doc = new s.Doc();
s.applyUpdate(doc, Buffer.from(input.update, "base64"));
const all = s.records(doc);
const out = {
  records: all.map((p) => ({ ...p, text: s.textOf(doc, p.id).toString() })),
  opinions: s.opinions(doc),
  meta: { title: s.metaField(doc, "title"), session: s.documentSession(doc) },
  brackets: input.texts.map((t) => s.bracketCount(t)),
  moves: input.moves.map(([id, step]) => {
    const after = s.moveTarget(all, id, step);
    return after === undefined ? "none" : after;
  }),
};
process.stdout.write(JSON.stringify(out));
