// Service worker of the 科技特派员's field pages (scope: the site root, so that the landing page
// after sign-in opens with no signal too).
//
// What it keeps, and for whom:
// - the app shell (CSS, scripts, fonts) in SHELL, for everyone;
// - the field pages (home with assignments, needs and contacts; log form; my logs; my year) in one
//   cache per account, "field-personal-<owner>", where <owner> is the opaque X-Offline-Owner key
//   the server sends with every signed-in page. A page from another account (or a signed-out one)
//   drops every other account's copies at once. A response marked no-store is never kept: only
//   the field pages are sent "private, no-cache".
// Navigation is network first (with a time limit when a copy exists, for a weak signal); the
// copy, or a short offline notice, when the network fails. Sign-out clears everything
// (Clear-Site-Data, and field-offline.js before it).
const SHELL = {{ shell_cache|tojson }};
const PERSONAL = "field-personal-";
const SHELL_FILES = {{ shell_files|tojson }};
const PAGES = {{ pages|tojson }};
const HOME = {{ home|tojson }};
const STATIC_PREFIX = {{ static_prefix|tojson }};
const OWNER_KEY = "/__field_owner__";
const NAVIGATION_TIMEOUT_MS = {{ navigation_timeout_ms|tojson }};

function refreshPages() {
  return Promise.all(PAGES.map((path) => {
    const request = new Request(path, {credentials: "same-origin"});
    return fetch(request).then((response) => remember(request, response)).catch(() => {});
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES))
    .then(refreshPages).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key !== SHELL && !key.startsWith(PERSONAL))
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function currentOwner() {
  return caches.open(SHELL)
    .then((cache) => cache.match(OWNER_KEY))
    .then((hit) => (hit ? hit.text() : ""));
}

// The account the server says is signed in; every other account's copies are dropped.
function noteOwner(owner) {
  return currentOwner().then((known) => {
    if (known === owner) return;
    return caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith(PERSONAL) && key !== PERSONAL + owner)
        .map((key) => caches.delete(key))))
      .then(() => caches.open(SHELL))
      .then((cache) => cache.put(OWNER_KEY, new Response(owner)));
  });
}

function keepable(response, url) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && !response.redirected && response.type === "basic" &&
    !control.includes("no-store") && PAGES.includes(url.pathname) && url.search === "" &&
    Boolean(response.headers.get("X-Offline-Owner"));
}

function remember(request, response) {
  const owner = response.headers.get("X-Offline-Owner") || "";
  return noteOwner(owner).then(() => {
    if (!keepable(response, new URL(request.url))) return;
    return caches.open(PERSONAL + owner).then((cache) => cache.put(request.url, response));
  });
}

function offlineCopy(url) {
  const path = url.pathname === "/" ? HOME : url.pathname;
  if (!PAGES.includes(path)) return Promise.resolve(undefined);
  return currentOwner().then((owner) => {
    if (!owner) return undefined;
    return caches.open(PERSONAL + owner).then((cache) => cache.match(new URL(path, url).href));
  });
}

function offlineNotice() {
  const body = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>没有网络 · 泷泊英才</title></head>" +
    "<body style=\"font-family:sans-serif;padding:1.5rem\"><h1 style=\"font-size:1.2rem\">当前没有网络</h1>" +
    "<p>本机没有这一页的离线内容。请联网后登录。</p></body></html>";
  return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8",
                                                    "Cache-Control": "no-store"}});
}

function navigate(event) {
  const request = event.request;
  const url = new URL(request.url);
  const network = fetch(request).then((response) => {
    event.waitUntil(remember(request, response.clone()).catch(() => {}));
    return response;
  });
  return offlineCopy(url).then((copy) => {
    if (!copy) return network.catch(() => offlineNotice());
    // A weak signal: after a few seconds show the copy rather than a blank page.
    const late = new Promise((resolve) => setTimeout(() => resolve(copy), NAVIGATION_TIMEOUT_MS));
    return Promise.race([network, late]).catch(() => copy);
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(caches.open(SHELL)
      .then((cache) => cache.match(request, {ignoreSearch: true}))
      .then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" && (url.pathname === "/" || PAGES.includes(url.pathname))) {
    event.respondWith(navigate(event));
  }
});

// The page asks, once online, for every field page to be fetched afresh, so all of them open
// offline after a single visit; the copies go under the account the server answers for.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "refresh") return;
  event.waitUntil(refreshPages().then(() => {
    if (event.source) event.source.postMessage({type: "refreshed", at: Date.now()});
  }));
});
