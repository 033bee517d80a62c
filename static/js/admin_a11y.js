/* Small accessibility repairs to Django admin widgets (found by axe-core; see docs/patients.md).
   Loaded by templates/admin/base_site.html; no inline script, so the CSP holds. */
(function () {
  "use strict";

  function labelText(el) {
    var label = el.id && document.querySelector('label[for="' + el.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function repair(root) {
    // Select2 (autocomplete fields): its search box and list have no name or list semantics.
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      var name = select && select.tagName === "SELECT" ? labelText(select) : "";
      container.querySelectorAll(".select2-search__field").forEach(function (input) {
        if (!input.hasAttribute("aria-label")) {
          input.setAttribute("aria-label", name ? "Search " + name.toLowerCase() : "Search");
        }
      });
      // Its combobox is named by the field's label (axe: aria-input-field-name on add pages,
      // where no value names it yet).
      container.querySelectorAll(
        ".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]"
      ).forEach(function (box) {
        if (name && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", name);
        }
      });
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        list.setAttribute("role", "presentation");
      });
    });
    // File fields in a fieldset (Django renders them with a legend, not a label): name the
    // input after the legend.
    root.querySelectorAll(".form-row fieldset > legend").forEach(function (legend) {
      var inputs = legend.parentNode.querySelectorAll("input[type=file]");
      inputs.forEach(function (input) {
        if (!input.hasAttribute("aria-label") && !labelText(input)) {
          input.setAttribute("aria-label", legend.textContent.replace(/:\s*$/, "").trim());
        }
      });
    });
    // Tabular inlines: name each input after its column heading; name the empty heading.
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("thead th.original").forEach(function (th) {
        if (!th.textContent.trim()) {
          th.innerHTML = '<span class="visually-hidden">Item</span>';
        }
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            if (!field.hasAttribute("aria-label") && !labelText(field) && headings[index]) {
              field.setAttribute("aria-label", headings[index]);
            }
          });
        });
      });
    });
  }

  function start() {
    repair(document);
    new MutationObserver(function () { repair(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
