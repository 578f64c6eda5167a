// Ask before destructive or irreversible actions: any form with data-confirm.
document.addEventListener("submit", function (event) {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Print buttons (no inline handlers: the Content-Security-Policy allows only our own scripts).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// "Select all" boxes: data-check-all="NAME" ticks every enabled checkbox named NAME.
document.addEventListener("change", function (event) {
  const name = event.target.getAttribute("data-check-all");
  if (!name) return;
  document.querySelectorAll('input[type=checkbox][name="' + name + '"]:not(:disabled)').forEach(function (box) {
    box.checked = event.target.checked;
  });
});
