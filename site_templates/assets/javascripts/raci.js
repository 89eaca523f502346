/* RACI matrix: a role chooser and a process filter above the tables. Choosing a role shows only
   the process column and that role's, and only the processes it takes part in; "All roles" shows
   everything again. Typing in the filter keeps the processes whose name contains the text.
   Without this script the tables are plain, with every role. */
(function () {
  "use strict";

  function roleOf(cell) {
    var role = cell.querySelector(".playbook-raci-role");
    return role ? role.getAttribute("data-role") : null;
  }

  function show(tables, chosen, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    tables.forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) return;
      var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
      var column = -1;
      heads.forEach(function (cell, index) {
        if (roleOf(cell) === chosen) column = index;
      });
      var rows = 0;
      Array.prototype.forEach.call(table.rows, function (row) {
        var head = row.parentNode === table.tHead;
        var taking = chosen === "" || (column >= 0 && row.cells[column] &&
          row.cells[column].textContent.trim() !== "");
        var name = row.cells[0] ? row.cells[0].textContent.toLowerCase() : "";
        var found = words.every(function (word) { return name.indexOf(word) >= 0; });
        row.hidden = !head && !(taking && found);
        if (!head && !row.hidden) rows += 1;
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          cell.hidden = chosen !== "" && index > 0 && index !== column;
        });
      });
      box.hidden = rows === 0;
      /* The group's heading goes with its table. */
      var heading = box.previousElementSibling;
      if (heading && heading.tagName === "H2") heading.hidden = rows === 0;
      shown += rows;
    });
    return shown;
  }

  function field(text, control) {
    var label = document.createElement("label");
    label.appendChild(document.createTextNode(text));
    label.appendChild(control);
    return label;
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
    var select = document.createElement("select");
    select.add(new Option("All roles", ""));
    Object.keys(roles).sort(function (a, b) {
      return roles[a].localeCompare(roles[b]);
    }).forEach(function (id) {
      select.add(new Option(roles[id], id));
    });
    var filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "name of a process";
    var status = document.createElement("p");
    status.className = "playbook-raci-status";
    status.setAttribute("role", "status");
    var controls = document.createElement("div");
    controls.className = "playbook-raci-chooser";
    controls.appendChild(field("Show the part of: ", select));
    controls.appendChild(field("Find a process: ", filter));
    controls.appendChild(status);
    var first = tables[0].previousElementSibling || tables[0];
    first.parentNode.insertBefore(controls, first);
    function update() {
      var count = show(tables, select.value, filter.value);
      status.textContent = count === 0 ? "No process matches." : "";
    }
    select.addEventListener("change", update);
    filter.addEventListener("input", update);
  }

  window.playbookOnEveryPage(run);
})();
