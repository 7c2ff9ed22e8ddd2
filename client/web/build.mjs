// Bundle and minify the web app into dist/: index.html, assets/app.js, assets/app.css, sw.js.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";

const dist = new URL("./dist/", import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(new URL("assets/", dist), { recursive: true });
const common = { bundle: true, minify: true, target: "es2020", logLevel: "warning", legalComments: "none" };
await build({ ...common, entryPoints: ["src/main.ts"], outfile: "dist/assets/app.js", format: "esm", sourcemap: "linked" });
await build({ ...common, entryPoints: ["src/app.css"], outfile: "dist/assets/app.css" });
await build({ ...common, entryPoints: ["src/sw.ts"], outfile: "dist/sw.js", format: "iife" });
const hash = async (p) => createHash("sha256").update(await readFile(new URL(p, dist))).digest("hex").slice(0, 10);
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>rollingtext</title>
<link rel="stylesheet" href="/assets/app.css?v=${await hash("assets/app.css")}">
<script type="module" src="/assets/app.js?v=${await hash("assets/app.js")}"></script>
</head>
<body>
<a class="rt-skip" href="#main">Skip to content</a>
<header id="top"></header>
<main id="main" tabindex="-1"><p>Loading…</p></main>
</body>
</html>
`;
await writeFile(new URL("index.html", dist), html);
console.log("built client/web/dist");
