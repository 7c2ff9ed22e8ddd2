// Service worker: the app shell (/, /assets/*) from the network when online, else from cache.
/// <reference lib="webworker" />
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = "rollingtext-shell-v1";

// Precache the shell at install: the page and the (hashed) asset URLs it names.
async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const page = await fetch("/", { cache: "no-cache" });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put("/", page);
  const assets = Array.from(html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g), (m) => m[1]!);
  await cache.addAll(assets);
}

sw.addEventListener("install", (ev) => {
  ev.waitUntil(precache().catch(() => undefined).then(() => sw.skipWaiting()));
});
sw.addEventListener("activate", (ev) => {
  ev.waitUntil(sw.clients.claim());
});
sw.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== location.origin) return;
  const shell = url.pathname === "/" || url.pathname.startsWith("/assets/");
  if (!shell) return;
  ev.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const key = url.pathname === "/" ? "/" : ev.request;
      try {
        const fresh = await fetch(ev.request);
        if (fresh.ok) await cache.put(key, fresh.clone());
        return fresh;
      } catch (err) {
        const cached = await cache.match(key);
        if (cached) return cached;
        throw err;
      }
    })(),
  );
});
