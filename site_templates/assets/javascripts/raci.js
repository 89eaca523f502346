/* RACI matrix: a role chooser above the tables. Choosing a role shows only the process column and
   that role's, and only the processes it takes part in; "All roles" shows everything again.
   Without this script the tables are plain, with every role. */
(function () {
  "use strict";

  function roleOf(cell) {
    var role = cell.querySelector(".playbook-raci-role");
    return role ? role.getAttribute("data-role") : null;
  }

  function show(tables, chosen) {
    tables.forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) return;
      var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
      var column = -1;
      heads.forEach(function (cell, index) {
        if (roleOf(cell) === chosen) column = index;
      });
      var hideAll = chosen !== "" && column < 0;
      box.hidden = hideAll;
      Array.prototype.forEach.call(table.rows, function (row) {
        var taking = chosen === "" || (column >= 0 && row.cells[column] &&
          row.cells[column].textContent.trim() !== "");
        row.hidden = row.parentNode !== table.tHead && !taking;
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          cell.hidden = chosen !== "" && index > 0 && index !== column;
        });
      });
    });
  }

  function run() {
    var tables = Array.prototype.slice.call(document.querySelectorAll(".playbook-raci"));
    if (!tables.length || document.querySelector(".playbook-raci-chooser")) return;
    var roles = {};
    tables.forEach(function (box) {
      box.querySelectorAll(".playbook-raci-role").forEach(function (role) {
        roles[role.getAttribute("data-role")] = role.textContent.trim();
      });
    });
    var label = document.createElement("label");
    label.className = "playbook-raci-chooser";
    label.textContent = "Show the part of: ";
    var select = document.createElement("select");
    select.add(new Option("All roles", ""));
    Object.keys(roles).sort(function (a, b) {
      return roles[a].localeCompare(roles[b]);
    }).forEach(function (id) {
      select.add(new Option(roles[id], id));
    });
    label.appendChild(select);
    var first = tables[0].previousElementSibling || tables[0];
    first.parentNode.insertBefore(label, first);
    select.addEventListener("change", function () { show(tables, select.value); });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
