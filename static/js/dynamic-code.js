// The portal's dynamic code: a countdown, and a fresh code fetched shortly before the shown one
// lapses (or when the holder taps 刷新). No inline script: the Content-Security-Policy allows
// only our own static files. Times come from the server as "seconds left", so a phone whose
// clock is wrong still counts down correctly.
(function () {
  "use strict";
  const box = document.getElementById("dynamic-code");
  if (!box) {
    return;
  }
  const image = document.getElementById("dynamic-qr");
  const countdown = document.getElementById("dynamic-countdown");
  const message = document.getElementById("dynamic-message");
  const button = document.getElementById("dynamic-refresh");
  let lifetime = Number(box.dataset.expiresIn);
  let deadline = Date.now() + lifetime * 1000;
  let busy = false;
  let retryAt = 0;

  // Ask this many seconds before the code lapses: time to fetch on a slow network.
  function lead() {
    return Math.min(30, Math.max(5, Math.floor(lifetime / 5)));
  }

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // The page's language: the messages come with it (data-msg-*), Chinese when absent.
  function said(key, chinese) {
    return box.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)] || chinese;
  }

  function failed(text, waitSeconds) {
    message.textContent = text;
    retryAt = Date.now() + waitSeconds * 1000;
  }

  function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    fetch(box.dataset.refreshUrl, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.redirected) {
          throw { text: said("signedOut", "登录已失效，请重新登录后查看动态码"), wait: 600 };
        }
        if (response.status === 404) {
          throw { text: said("unavailable", "此卡当前不能使用动态码，请刷新页面"), wait: 600 };
        }
        return response.json().then(function (body) {
          if (!response.ok) {
            const text = body && body.error && body.error.message;
            throw { text: text || said("failed", "动态码未能更新，请稍后重试"), wait: 60 };
          }
          return body;
        });
      })
      .then(function (code) {
        image.src = code.image;
        box.dataset.url = code.url;
        lifetime = Number(code.expires_in);
        deadline = Date.now() + lifetime * 1000;
        image.classList.remove("opacity-25");
        message.textContent = "";
        retryAt = 0;
        tick();
      })
      .catch(function (problem) {
        if (problem && problem.text) {
          failed(problem.text, problem.wait);
        } else {
          failed(said("offline", "网络不通，动态码未能更新，恢复后将自动重试"), 15);
        }
      })
      .finally(function () {
        busy = false;
      });
  }

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = format(left);
    if (left === 0) {
      image.classList.add("opacity-25");
      if (!message.textContent) {
        message.textContent = said("expired", "动态码已过期，请点“刷新动态码”");
      }
    }
    if (left <= lead() && Date.now() >= retryAt) {
      refresh();
    }
  }

  button.addEventListener("click", function () {
    retryAt = 0;
    refresh();
  });
  // A phone that slept past the deadline catches up as soon as the page is shown again.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      tick();
    }
  });
  window.setInterval(tick, 1000);
  tick();
}());
