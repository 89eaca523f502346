/* Reading aids the theme leaves out: names for task-list checkboxes (the theme's label holds
   only the box, so a screen reader would announce "checkbox" with nothing to say what for),
   keyboard access to tables that scroll sideways, and a name for the search dialog. */
(function () {
  "use strict";

  function nameCheckboxes() {
    document.querySelectorAll(".task-list-item").forEach(function (item) {
      var box = item.querySelector(":scope > .task-list-control input[type=checkbox], :scope > input[type=checkbox]");
      if (!box || box.hasAttribute("aria-label")) return;
      var text = "";
      item.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
        else if (node.nodeType === Node.ELEMENT_NODE && !node.matches("ul, ol, label")) text += node.textContent;
      });
      box.setAttribute("aria-label", text.replace(/\s+/g, " ").trim());
    });
  }

  function focusScrollingTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      }
    });
  }

  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function run() {
    nameCheckboxes();
    focusScrollingTables();
    nameSearchDialog();
  }

  window.playbookOnEveryPage(run);
})();
