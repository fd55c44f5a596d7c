// Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy
// can forbid inline script. Pages work without it.
(function () {
  // <form data-confirm="问题"> asks before submitting (also for forms htmx swaps in later).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
