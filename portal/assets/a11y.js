/* Accessibility repairs for Dash 4 components (checked with axe-core in the browser test);
 * the radio repair follows dashboard/assets/a11y.js.
 * - dcc.Upload's hidden file input gets a name;
 * - radio items: a radiogroup named by its <label for>, not a listbox of options that contain
 *   radios (nested interactive controls).
 * A MutationObserver re-applies the repairs after Dash re-renders. */
(function () {
  "use strict";
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function repairUpload(root) {
    root.querySelectorAll('#upload-files input[type="file"]').forEach(function (input) {
      set(input, "aria-label", "Auszug-Dateien auswählen");
    });
  }
  function repairRadios(root) {
    root.querySelectorAll(".dash-radioitems[role='listbox']").forEach(function (group) {
      set(group, "role", "radiogroup");
      var label = group.id && document.querySelector("label[for='" + group.id + "']");
      if (label) {
        if (!label.id) { label.id = group.id + "-label"; }
        set(group, "aria-labelledby", label.id);
      }
    });
    root.querySelectorAll(".dash-radioitems .dash-options-list-option[role]").forEach(
      function (option) { option.removeAttribute("role"); option.removeAttribute("aria-selected"); });
  }
  function repair() { repairUpload(document); repairRadios(document); }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(); });
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                        attributeFilter: ["role", "aria-labelledby"]});
  document.addEventListener("DOMContentLoaded", repair);
})();
