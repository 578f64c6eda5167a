// The public verification page: a dynamic code's remaining seconds count down from what the
// server computed at the check (the phone's own clock may be wrong), then say it has lapsed.
(function () {
  "use strict";
  const box = document.getElementById("seconds-left");
  if (!box) {
    return;
  }
  const value = document.getElementById("seconds-left-value");
  const deadline = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    value.textContent = String(left);
    if (left === 0) {
      box.textContent = box.dataset.lapsedText;
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
