/* Clientside helpers: permalinks without reloading, language attribute, release switch. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  demografie: {
    /* Write the view state into the address bar (replaceState: no navigation, no reload). */
    permalink: function (state) {
      if (!state) { return window.dash_clientside.no_update; }
      var params = new URLSearchParams(window.location.search);
      Object.keys(state).forEach(function (key) {
        var value = state[key];
        if (value === null || value === undefined || value === "" ||
            (Array.isArray(value) && value.length === 0)) { params.delete(key); }
        else { params.set(key, Array.isArray(value) ? value.join(",") : value); }
      });
      var url = window.location.pathname + "?" + params.toString();
      window.history.replaceState(window.history.state, "", url);
      return window.location.origin + url;
    },
    setLang: function (state) {
      if (state && state.lang) { document.documentElement.lang = state.lang; }
      return "";
    },
    /* Reload the page for another release when the user picks one. */
    switchRelease: function (value, state) {
      var current = (state && state.release) || null;
      if (!value || value === current) { return window.dash_clientside.no_update; }
      var params = new URLSearchParams(window.location.search);
      if (value === "live") { params.delete("release"); } else { params.set("release", value); }
      window.location.search = params.toString();
      return "";
    }
  }
});
