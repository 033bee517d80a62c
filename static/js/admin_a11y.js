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
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        list.setAttribute("role", "presentation");
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
