// 科技特派员 on a phone in a village: the field pages work with no signal or a weak one.
//
// - A service worker (sw.js, scope: the whole site) keeps the app shell and this account's own
//   field pages; once online, it refetches all of them, so they open offline after one visit.
// - The log form posts through this script with a time limit: a save that does not reach the
//   server in time (or with no signal at all) is kept in IndexedDB with its client_key and
//   uploaded later. The server treats client_key as idempotent per commissioner, so a retried
//   upload never makes a second log. The notice after a save sits where the eye is.
// - The queue shows each entry and its state; a refused upload says why and can be retried or
//   discarded.
// - Signing out clears the copies and the queue (after a warning if entries are unsent); the
//   server's Clear-Site-Data does the same once more. Entries of another account are dropped.
(function () {
  "use strict";
  const DB_NAME = "field-queue";
  const CACHE_PREFIX = "field-";

  // --- the queue in IndexedDB ---------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
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

  function queueExists() {
    if (!window.indexedDB) return Promise.resolve(false);
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (entry) { return entry.name === DB_NAME; });
    }).catch(function () { return false; });
  }

  // --- signing out: nothing personal stays on the phone ---------------------------------------

  function forgetEverything() {
    const steps = [];
    if (window.caches) {
      steps.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (key) { return key.indexOf(CACHE_PREFIX) === 0; })
          .map(function (key) { return caches.delete(key); }));
      }));
    }
    if (window.indexedDB) {
      steps.push(new Promise(function (resolve) {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }));
    }
    if ("serviceWorker" in navigator) {
      steps.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(steps).catch(function () {});
  }

  document.addEventListener("submit", function (event) {
    const logout = event.target;
    if (!logout.action || !/\/logout$/.test(new URL(logout.action, location.href).pathname)) return;
    if (logout.dataset.cleared === "1") return;
    event.preventDefault();
    queueExists().then(function (exists) {
      return exists ? queue.all() : [];
    }).catch(function () { return []; }).then(function (items) {
      if (items.length && !window.confirm("本机还有 " + items.length + " 条服务日志没有上传。" +
          "退出登录会把它们从本机删除，且无法恢复。确定退出？")) {
        return;
      }
      return forgetEverything().then(function () {
        logout.dataset.cleared = "1";
        logout.submit();
      });
    });
  }, true);

  // --- the field pages ------------------------------------------------------------------------

  const box = document.getElementById("offline-queue");
  if (!box) return;
  const postUrl = box.dataset.post;
  const logsUrl = box.dataset.logs;
  const owner = box.dataset.owner || "";
  const timeoutMs = parseInt(box.dataset.timeout, 10) || 6000;
  const form = document.getElementById("log-form");
  const offlineForm = form && form.dataset.offline === "1";
  const flag = document.getElementById("offline-flag");
  let syncing = false;

  function showConnection() {
    if (flag) flag.hidden = navigator.onLine;
  }
  showConnection();
  window.addEventListener("offline", showConnection);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "refreshed") return;
      const stamp = document.getElementById("refreshed-at");
      if (stamp) stamp.dataset.copies = "saved";
    });
  }

  function refreshCopies() {
    if (!navigator.onLine || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({type: "refresh"});
    }).catch(function () {});
  }

  if ("serviceWorker" in navigator && box.dataset.sw) {
    navigator.serviceWorker.getRegistrations().then(function (registrations) {
      // Before the whole site was its scope the worker served /field/ only.
      registrations.forEach(function (r) {
        if (new URL(r.scope).pathname !== box.dataset.scope) r.unregister();
      });
    }).catch(function () {}).then(function () {
      return navigator.serviceWorker.register(box.dataset.sw, {scope: box.dataset.scope});
    }).then(refreshCopies).catch(function () {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  const STATES = {waiting: "待上传", sending: "上传中", failed: "未上传"};

  function button(text, className, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm " + className;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function mine(items) {
    // Another account's entries cannot be uploaded as this one: they go (account change).
    const others = items.filter(function (item) { return item.owner !== owner; });
    return Promise.all(others.map(function (item) { return queue.remove(item.client_key); }))
      .then(function () { return items.filter(function (item) { return item.owner === owner; }); });
  }

  function render() {
    return queue.all().then(mine).then(function (items) {
      box.replaceChildren();
      box.hidden = items.length === 0;
      if (!items.length) return items;
      const title = document.createElement("div");
      title.className = "fw-semibold mb-1";
      title.textContent = "待上传 " + items.length + " 条（联网后自动上传）";
      box.appendChild(title);
      items.forEach(function (item) {
        const line = document.createElement("div");
        line.className = "small queued-log border-top py-1";
        line.dataset.state = item.state || "waiting";
        const text = document.createElement("div");
        text.textContent = (STATES[item.state] || STATES.waiting) + " · " + item.summary;
        line.appendChild(text);
        if (item.error) {
          const why = document.createElement("div");
          why.className = item.state === "failed" ? "text-danger queued-error" : "text-secondary queued-error";
          why.textContent = item.error;
          line.appendChild(why);
        }
        const actions = document.createElement("div");
        actions.className = "d-flex gap-2 mt-1";
        if (item.state === "failed") {
          actions.appendChild(button("重试", "btn-outline-primary", function () {
            item.state = "waiting";
            item.error = "";
            queue.put(item).then(sync);
          }));
        }
        actions.appendChild(button("放弃", "btn-outline-danger", function () {
          if (window.confirm("放弃后这条日志将从本机删除，不会上传。确定放弃？")) {
            queue.remove(item.client_key).then(render);
          }
        }));
        line.appendChild(actions);
        box.appendChild(line);
      });
      return items;
    }).catch(function () { return []; });
  }

  function currentToken() {
    const input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function freshToken() {
    return fetch(postUrl, {credentials: "same-origin"}).then(function (page) {
      if (!page.ok || page.redirected) throw new Refused("登录已过期：请联网重新登录后点“重试”");
      return page.text();
    }).then(function (html) {
      const input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
      if (!input) throw new Refused("登录已过期：请联网重新登录后点“重试”");
      return input.value;
    });
  }

  function Refused(message) { this.message = message; }

  // One post of one entry, given up after timeoutMs. Resolves with the server's JSON answer;
  // rejects with Refused (the server said no: show why) or anything else (no answer: keep it).
  function post(item, token, how) {
    const data = new FormData();
    data.append("csrf_token", token);
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.append("client_key", item.client_key);
    item.photos.forEach(function (photo) { data.append("photos", photo, photo.name); });
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, timeoutMs);
    return fetch(postUrl, {method: "POST", body: data, credentials: "same-origin", signal: controller.signal,
                           headers: {"X-Field-Save": how, "Accept": "application/json"}})
      .finally(function () { clearTimeout(timer); })
      .then(function (response) {
        const json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.status === 400 && !json) return {retryWithFreshToken: true};
        if (response.redirected || (response.status === 401)) {
          throw new Refused("登录已过期：请联网重新登录后点“重试”");
        }
        if (!json) throw new Refused("服务器暂时无法处理（" + response.status + "），请稍后点“重试”");
        return response.json().then(function (body) {
          if (response.ok && body.ok) return body;
          throw new Refused((body.error && body.error.message) || "服务器未接受这条日志");
        });
      });
  }

  function send(item, how) {
    return post(item, currentToken(), how).then(function (answer) {
      if (!answer.retryWithFreshToken) return answer;
      return freshToken().then(function (token) { return post(item, token, how); })
        .then(function (again) {
          if (again.retryWithFreshToken) throw new Refused("页面已过期，请联网刷新后点“重试”");
          return again;
        });
    });
  }

  // Try one entry; it leaves the queue only when the server has it.
  function upload(item, how) {
    item.state = "sending";
    return queue.put(item).then(render).then(function () {
      return send(item, how);
    }).then(function (answer) {
      return queue.remove(item.client_key).then(function () { return answer; });
    }, function (error) {
      if (error instanceof Refused) {
        item.state = "failed";
        item.error = error.message;
      } else {
        item.state = "waiting";
        item.error = navigator.onLine ? "信号弱，未能及时送达，稍后自动重试" : "";
      }
      return queue.put(item).then(function () { return null; });
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return render();
    syncing = true;
    return queue.all().then(mine).then(function (items) {
      return items.filter(function (item) { return item.state !== "failed"; })
        .reduce(function (previous, item) {
          return previous.then(function () { return upload(item, "queued"); });
        }, Promise.resolve());
    }).catch(function () {}).then(function () {
      syncing = false;
      return render();
    });
  }

  function noteSaved(items) {
    const note = document.getElementById("save-note");
    if (!note) return;
    const waiting = items.length;
    note.className = "alert alert-info mt-3 mb-0";
    note.textContent = "已保存在本机" + (navigator.onLine ? "（信号弱，未能及时送达服务器）" : "（当前没有网络）") +
      "，待上传 " + waiting + " 条，联网后自动上传。";
    note.hidden = false;
    note.scrollIntoView({block: "center"});
    note.focus({preventScroll: true});
  }

  if (offlineForm) {
    form.elements.client_key.value = newKey();
    let saving = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (saving) return;
      saving = true;
      const fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrf_token" && name !== "client_key" && name !== "photos") fields.push([name, value]);
      });
      const target = form.elements.assignment_id;
      const summary = form.elements.served_on.value + " · " +
        (target.selectedOptions[0] ? target.selectedOptions[0].textContent : "") + " · " +
        form.elements.content.value.slice(0, 20);
      const item = {client_key: form.elements.client_key.value, fields: fields, summary: summary, owner: owner,
                    photos: Array.from(form.elements.photos.files), queued_at: Date.now(), state: "waiting"};
      const note = document.getElementById("save-note");
      if (note) note.hidden = true;
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      syncing = true;  // no background upload of this entry while it is being sent here
      queue.put(item).then(function () {
        return navigator.onLine ? upload(item, "now") : null;
      }).then(function (answer) {
        if (answer) {
          location.assign(answer.next || logsUrl);
          return;
        }
        return queue.all().then(mine).then(function (items) {
          const kept = items.find(function (entry) { return entry.client_key === item.client_key; });
          if (kept && kept.state === "failed") {
            // Refused while the commissioner waits: nothing queued, the form kept as typed, the
            // reason next to the button.
            return queue.remove(kept.client_key).then(render).then(function () {
              if (!note) return;
              note.className = "alert alert-danger mt-3 mb-0";
              note.textContent = "未保存：" + kept.error;
              note.hidden = false;
              note.scrollIntoView({block: "center"});
              note.focus({preventScroll: true});
            });
          }
          const served = form.elements.served_on.value;
          const chosen = target.value;
          form.reset();
          form.elements.served_on.value = served;
          target.value = chosen;
          form.elements.client_key.value = newKey();
          ["lat", "lng", "accuracy_m", "photo_meta"].forEach(function (name) {
            if (form.elements[name]) form.elements[name].value = "";
          });
          return render().then(noteSaved);
        });
      }).catch(function () {}).then(function () {
        saving = false;
        syncing = false;
        submit.disabled = false;
      });
    });
  }

  // 服务打卡: the phone's position at the time of service, after the commissioner's consent
  // (asked once, remembered on this phone until sign-out clears the site's storage).
  const checkin = document.getElementById("checkin-button");
  if (checkin && form) {
    const status = document.getElementById("checkin-status");
    checkin.addEventListener("click", function () {
      const consent = "field-checkin-consent";
      if (localStorage.getItem(consent) !== "yes") {
        if (!window.confirm("服务打卡会记录手机当前的位置和精度，随本条日志提交，只用于县科工信局核实服务是否在服务对象处开展。是否同意？")) {
          status.textContent = "未同意记录位置：本条日志不带位置。";
          return;
        }
        localStorage.setItem(consent, "yes");
      }
      if (!navigator.geolocation) {
        status.textContent = "这部手机不能定位。";
        return;
      }
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lng.value = position.coords.longitude.toFixed(6);
        form.elements.accuracy_m.value = Math.round(position.coords.accuracy);
        status.textContent = "已记录位置（精度约 " + Math.round(position.coords.accuracy) + " 米）";
      }, function (error) {
        status.textContent = "定位失败：" + (error.code === 1 ? "未允许使用位置" : "请到开阔处重试");
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  // Each photo's time and place of taking, from the phone (EXIF is stripped on the server and
  // never read): the file's time, and the position now if the photo was just taken and the
  // commissioner agreed to 服务打卡 on this phone. Sent beside the files, shown as a caption.
  const photoInput = form ? form.elements.photos : null;
  const photoMeta = form ? form.elements.photo_meta : null;
  if (photoInput && photoMeta) {
    const metaStatus = document.getElementById("photo-meta-status");
    photoInput.addEventListener("change", function () {
      const files = Array.from(photoInput.files);
      const meta = files.map(function (file) { return {taken_at: file.lastModified || Date.now()}; });
      photoMeta.value = JSON.stringify(meta);
      const fresh = meta.filter(function (entry) { return Date.now() - entry.taken_at < 10 * 60 * 1000; });
      if (!fresh.length || localStorage.getItem("field-checkin-consent") !== "yes" || !navigator.geolocation) return;
      if (metaStatus) metaStatus.textContent = "正在记录拍摄地点…";
      navigator.geolocation.getCurrentPosition(function (position) {
        fresh.forEach(function (entry) {
          entry.lat = Number(position.coords.latitude.toFixed(6));
          entry.lng = Number(position.coords.longitude.toFixed(6));
          entry.accuracy_m = Math.round(position.coords.accuracy);
        });
        photoMeta.value = JSON.stringify(meta);
        if (metaStatus) metaStatus.textContent = "已记录拍摄时间和地点（精度约 " + Math.round(position.coords.accuracy) + " 米）。";
      }, function () {
        if (metaStatus) metaStatus.textContent = "已记录拍摄时间；未能定位，照片不带地点。";
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  window.addEventListener("online", function () {
    showConnection();
    sync();
    refreshCopies();
  });
  setInterval(function () { if (navigator.onLine) sync(); }, 60000);
  render().then(sync);
})();
