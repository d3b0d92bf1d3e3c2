// Adds the session's CSRF token (cookie portal_csrf) to every same-origin unsafe fetch,
// in particular Dash's POSTs to /_dash-update-component. See portal/security.py.
(function () {
  "use strict";
  var COOKIE = "portal_csrf";
  var HEADER = "X-CSRF-Token";
  function token() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + COOKIE + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; }
    catch (e) { return false; }
  }
  var originalFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    init = init || {};
    var method = (init.method || (input && input.method) || "GET").toUpperCase();
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1 && sameOrigin(url)) {
      var headers = new Headers(init.headers || (input && input.headers) || {});
      headers.set(HEADER, token());
      init.headers = headers;
    }
    return originalFetch(input, init);
  };
})();
