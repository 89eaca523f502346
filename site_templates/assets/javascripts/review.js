/* Review states on the reader's own day. Pages carry each entry's dates (data-due: the day the
   next review falls due; data-soon: the first day it counts as due soon), so a site that is not
   rebuilt still turns "overdue" on the due day. Days are compared as local calendar dates:
   `new Date("2026-04-05")` would be midnight UTC, the day before in the Americas. */
(function () {
  "use strict";

  var LABELS = {
    "overdue": "Overdue",
    "never-reviewed": "Never reviewed",
    "due-soon": "Due soon",
    "current": "Current"
  };
  var RANK = { "overdue": 0, "never-reviewed": 1, "due-soon": 2, "current": 3 };

  function today() {
    var now = new Date();
    return now.getFullYear() * 10000 + (now.getMonth() + 1) * 100 + now.getDate();
  }

  function day(text) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return match ? Number(match[1]) * 10000 + Number(match[2]) * 100 + Number(match[3]) : null;
  }

  function stateOf(element, now) {
    var due = day(element.getAttribute("data-due"));
    var soon = day(element.getAttribute("data-soon"));
    if (due === null) return "never-reviewed";
    if (now >= due) return "overdue";
    if (soon !== null && now >= soon) return "due-soon";
    return "current";
  }

  function describe(state, dueText) {
    if (state === "overdue") return "Overdue: the review was due on " + dueText;
    if (state === "due-soon") return "Due soon: review by " + dueText;
    if (state === "current") return "Current: next review due " + dueText;
    return "Never reviewed";
  }

  function markPages(now) {
    document.querySelectorAll(".playbook-review").forEach(function (box) {
      var state = stateOf(box, now);
      box.setAttribute("data-state", state);
      var label = box.querySelector(".playbook-review-state");
      if (label) label.textContent = describe(state, box.getAttribute("data-due-text"));
    });
  }

  function markRows(now) {
    var rows = [];
    document.querySelectorAll("td .playbook-review-state").forEach(function (cell) {
      var row = cell.closest("tr");
      var state = stateOf(cell, now);
      cell.textContent = LABELS[state];
      cell.setAttribute("data-state", state);
      row.setAttribute("data-state", state);
      rows.push({ row: row, cell: cell, state: state });
    });
    return rows;
  }

  function sortWorstFirst(rows) {
    var bodies = new Set(rows.map(function (r) { return r.row.parentNode; }));
    bodies.forEach(function (body) {
      var mine = rows.filter(function (r) { return r.row.parentNode === body; });
      mine.sort(function (a, b) {
        return RANK[a.state] - RANK[b.state]
          || Number(b.cell.getAttribute("data-links")) - Number(a.cell.getAttribute("data-links"))
          || (a.cell.getAttribute("data-due") || "").localeCompare(b.cell.getAttribute("data-due") || "");
      });
      mine.forEach(function (r) { body.appendChild(r.row); });
    });
  }

  function healthy(r) {
    return r.cell.getAttribute("data-reachable") === "1"
      && (r.state === "current" || r.state === "due-soon");
  }

  function teamsOf(r) {
    return (r.cell.getAttribute("data-teams") || "").split(" ").filter(Boolean);
  }

  function score(rows) {
    if (!rows.length) return 100;
    return Math.floor(100 * rows.filter(healthy).length / rows.length);
  }

  function healthPage(rows) {
    var panel = document.getElementById("playbook-health-report");
    if (!panel) return;
    document.querySelectorAll(".playbook-team-score").forEach(function (cell) {
      var team = cell.getAttribute("data-team");
      cell.textContent = score(rows.filter(function (r) { return teamsOf(r).indexOf(team) >= 0; })) + "/100";
    });
    var select = document.getElementById("playbook-health-team");
    var summary = panel.querySelector(".playbook-health-summary");
    function show() {
      var team = select ? select.value : "";
      var shown = rows.filter(function (r) { return !team || teamsOf(r).indexOf(team) >= 0; });
      rows.forEach(function (r) { r.row.hidden = shown.indexOf(r) < 0; });
      var counts = { "overdue": 0, "never-reviewed": 0, "due-soon": 0, "current": 0 };
      shown.forEach(function (r) { counts[r.state] += 1; });
      summary.textContent = "Score " + score(shown) + "/100: " + shown.length + " entries, "
        + counts["overdue"] + " overdue, " + counts["never-reviewed"] + " never reviewed, "
        + counts["due-soon"] + " due soon, " + counts["current"] + " current.";
    }
    if (select) select.addEventListener("change", show);
    show();
  }

  function run() {
    var now = today();
    markPages(now);
    var rows = markRows(now);
    sortWorstFirst(rows);
    healthPage(rows);
  }

  window.playbookOnEveryPage(run);
})();
