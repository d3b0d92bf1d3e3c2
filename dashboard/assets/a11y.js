/* Accessibility repairs for Dash 4 components (WCAG 2.1 AA, checked with axe-core):
 * - dropdowns: the trigger button gets keyboard focus instead of an aria-hidden input,
 *   named by its visible <label for> and described by its current value;
 * - radio items: a radiogroup of native radios instead of a listbox of options that
 *   contain radios (nested interactive controls).
 * A MutationObserver re-applies the repairs after Dash re-renders. */
(function () {
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function repairDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var button = wrapper.querySelector("button.dash-dropdown");
      wrapper.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
        set(input, "tabindex", "-1");
      });
      if (!button) { return; }
      set(button, "tabindex", "0");
      var label = button.id && document.querySelector("label[for='" + button.id + "']");
      if (label) {
        /* name from the visible <label for>, current value as description (WCAG 2.5.3) */
        button.removeAttribute("aria-labelledby");
        button.removeAttribute("aria-label");
        var parts = [button.id + "-value", button.id + "-value-count"].filter(
          function (id) { return document.getElementById(id); });
        set(button, "aria-describedby", parts.join(" "));
      }
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
  function repairSliders(root) {
    root.querySelectorAll("label[for]").forEach(function (label) {
      var target = document.getElementById(label.getAttribute("for"));
      if (!target || !target.querySelector("[role='slider']")) { return; }
      if (!label.id) { label.id = target.id + "-label"; }
      target.querySelectorAll("[role='slider'], input[type='number']").forEach(function (el) {
        set(el, "aria-labelledby", label.id);
      });
    });
  }
  function repair() { repairDropdowns(document); repairRadios(document); repairSliders(document); }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(); });
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                        attributeFilter: ["tabindex", "role", "aria-labelledby"]});
  document.addEventListener("DOMContentLoaded", repair);
})();
