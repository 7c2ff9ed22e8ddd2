// Service worker: the app shell (/, /assets/*) from the network when online, else from cache.
/// <reference lib="webworker" />
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = "rollingtext-shell-v1";

sw.addEventListener("install", () => {
  void sw.skipWaiting();
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
