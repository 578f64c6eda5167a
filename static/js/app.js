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
