/* Jaring: an answer htmx does not swap (an expired form, too many tries, too large, a server
   error) or a request that never arrived (offline, timeout) is shown to the person, never
   swallowed. A same-origin file: the CSP allows no inline script. */
(function () {
  "use strict";
  function box() { return document.getElementById("request-error"); }

  function show(message) {
    var el = box();
    if (!el) { return; }
    el.querySelector("p").textContent = message;
    el.hidden = false;
    el.focus();
  }

  function hide() {
    var el = box();
    if (el) { el.hidden = true; }
  }

  // The app answers an htmx request's error with one plain sentence in the person's language;
  // anything else (a proxy's HTML page) gets the page's own general message.
  function answered(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    if (type.indexOf("text/plain") === 0 && text && text.length < 400) { return text; }
    return box().getAttribute(xhr.status === 0 ? "data-offline" : "data-error");
  }

  document.addEventListener("htmx:beforeRequest", hide);
  document.addEventListener("htmx:responseError", function (event) { show(answered(event.detail.xhr)); });
  document.addEventListener("htmx:sendError", function () { show(box().getAttribute("data-offline")); });
  document.addEventListener("htmx:timeout", function () { show(box().getAttribute("data-offline")); });
})();
