// 科技特派员 field pages: work with no signal.
// A service worker caches the log form; a log submitted offline is kept in IndexedDB with its
// client_key, shown as 待上传, and posted when the connection returns. The server treats the
// client_key as idempotent per commissioner, so a retried upload never makes a second log.
(function () {
  "use strict";
  const box = document.getElementById("offline-queue");
  if (!box) return;
  const postUrl = box.dataset.post;
  const form = document.getElementById("log-form");
  const offlineForm = form && form.dataset.offline === "1";
  let syncing = false;

  if ("serviceWorker" in navigator && box.dataset.sw) {
    navigator.serviceWorker.register(box.dataset.sw, {scope: box.dataset.scope}).catch(function () {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open("field-queue", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("logs", {keyPath: "client_key"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        const transaction = db.transaction("logs", mode);
        const request = work(transaction.objectStore("logs"));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  const queue = {
    all: function () { return withStore("readonly", function (store) { return store.getAll(); }); },
    put: function (item) { return withStore("readwrite", function (store) { return store.put(item); }); },
    remove: function (key) { return withStore("readwrite", function (store) { return store.delete(key); }); },
  };

  function render() {
    return queue.all().then(function (items) {
      box.replaceChildren();
      box.hidden = items.length === 0;
      if (!items.length) return;
      const title = document.createElement("div");
      title.className = "fw-semibold mb-1";
      title.textContent = "待上传 " + items.length + " 条（联网后自动上传）";
      box.appendChild(title);
      items.forEach(function (item) {
        const line = document.createElement("div");
        line.className = "small queued-log";
        line.textContent = "待上传 · " + item.summary + (item.error ? " · " + item.error : "");
        box.appendChild(line);
      });
    }).catch(function () {});
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return queue.all().then(function (items) {
      return items.reduce(function (previous, item) {
        return previous.then(function () { return upload(item); });
      }, Promise.resolve());
    }).catch(function () {}).then(function () {
      syncing = false;
      return render();
    });
  }

  function upload(item) {
    // A fresh page gives a fresh CSRF token: the one in a form cached days ago has expired.
    return fetch(postUrl, {credentials: "same-origin"}).then(function (page) {
      if (!page.ok || page.redirected) throw new Error("not signed in");
      return page.text();
    }).then(function (html) {
      const token = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
      if (!token) throw new Error("no token");
      const data = new FormData();
      data.append("csrf_token", token.value);
      item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
      data.append("client_key", item.client_key);
      item.photos.forEach(function (photo) { data.append("photos", photo, photo.name); });
      return fetch(postUrl, {method: "POST", body: data, credentials: "same-origin"});
    }).then(function (response) {
      if (response.ok && response.redirected) return queue.remove(item.client_key);
      item.error = "上传未通过校验，请重新填写";
      return queue.put(item);
    });
  }

  if (offlineForm) {
    form.elements.client_key.value = newKey();
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;  // online: the normal post, with the same client_key
      event.preventDefault();
      const fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrf_token" && name !== "client_key" && name !== "photos") fields.push([name, value]);
      });
      const target = form.elements.assignment_id;
      const summary = form.elements.served_on.value + " · " +
        (target.selectedOptions[0] ? target.selectedOptions[0].textContent : "") + " · " +
        form.elements.content.value.slice(0, 20);
      const item = {client_key: form.elements.client_key.value, fields: fields, summary: summary,
                    photos: Array.from(form.elements.photos.files), queued_at: Date.now()};
      queue.put(item).then(function () {
        const served = form.elements.served_on.value;
        form.reset();
        form.elements.served_on.value = served;
        form.elements.client_key.value = newKey();
        const note = document.getElementById("offline-note");
        if (note) note.hidden = false;
        return render();
      });
    });
  }

  window.addEventListener("online", sync);
  render().then(sync);
})();
