// Ask before destructive or irreversible actions: any form with data-confirm (or a submit
// button with its own data-confirm, when one form offers two different actions).
document.addEventListener("submit", function (event) {
  const button = event.submitter;
  const message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
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

// A table wider than a phone scrolls sideways inside .table-responsive: keyboard users must be
// able to reach and scroll it (WCAG 2.1.1; axe "scrollable-region-focusable").
document.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (region) {
  region.setAttribute("tabindex", "0");
  if (!region.hasAttribute("role")) {
    region.setAttribute("role", "region");
  }
  if (!region.hasAttribute("aria-label")) {
    const caption = region.querySelector("caption");
    const heading = region.closest(".card") && region.closest(".card").querySelector(".card-header");
    region.setAttribute("aria-label", ((caption || heading || {}).textContent || "表格").trim().slice(0, 40));
  }
});
