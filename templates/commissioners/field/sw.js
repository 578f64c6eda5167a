// Service worker of the commissioner's field pages (scope: the /field/ pages).
// The log form and the assets it needs are cached, so the form opens with no signal;
// submitted logs wait in IndexedDB (field-offline.js) until the connection returns.
const CACHE = {{ cache_name|tojson }};
const PRECACHE = {{ precache|tojson }};
const FALLBACK = {{ fallback|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith({{ static_prefix|tojson }})) {
    event.respondWith(caches.match(request, {ignoreSearch: true}).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    // Network first, so a page online is always fresh; the cached copy when there is no signal.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || caches.match(FALLBACK)))
    );
  }
});
