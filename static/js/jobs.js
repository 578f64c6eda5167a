// The job page's progress bar: asks the job's status every second until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  var meter = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  function show(job) {
    bar.style.width = job.percent + "%";
    bar.textContent = job.percent + "%";
    meter.setAttribute("aria-valuenow", String(job.percent));
    state.textContent = job.status_label + (job.total ? "：" + job.done + " / " + job.total : "");
    if (job.status === "done" && document.getElementById("job-download").dataset.file === "no") {
      window.location.reload();  // an import: the page shows its report
      return;
    }
    if (job.status === "done") {
      document.getElementById("job-download").hidden = false;
      document.getElementById("job-expiry").textContent = job.expires_local ? job.expires_local + " 前可下载" : "";
    }
    if (job.error) {
      var error = document.getElementById("job-error");
      error.textContent = job.error;
      error.hidden = false;
    }
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.status === "queued" || job.status === "running") { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") { poll(); }
})();
