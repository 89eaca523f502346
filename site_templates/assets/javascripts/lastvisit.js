/* "Changed since your last visit". The browser remembers, in localStorage and nowhere else, when
   the reader last opened each page. assets/updated.json gives each entry page's last change (the
   instant of its newest commit); a page changed since the reader last saw it says so under its
   title, and links to such pages are marked wherever they appear (catalogues, the changelog).
   Pages the reader never opened count from their first visit to the site, so a first visit marks
   nothing. Without localStorage (private modes, blocked storage) the script does nothing. */
(function () {
  "use strict";

  var KEY = "playbook.seen";
  var FIRST = "*";
  var script = document.currentScript;
  var root = script ? new URL("../../", script.src) : null;
  var updates = null;

  function storage() {
    try {
      var probe = "playbook.probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function load(store) {
    try {
      var seen = JSON.parse(store.getItem(KEY) || "{}");
      return seen && typeof seen === "object" ? seen : {};
    } catch (error) {
      return {};
    }
  }

  function save(store, seen) {
    try {
      store.setItem(KEY, JSON.stringify(seen));
    } catch (error) {
      /* full or refused: the marks are a convenience */
    }
  }

  /* A page's place below the site's root, as updated.json names it: `roles/x/`. */
  function pageOf(url) {
    var address = new URL(url, document.baseURI);
    if (address.origin !== root.origin || address.pathname.indexOf(root.pathname) !== 0) return null;
    var path = address.pathname.slice(root.pathname.length);
    path = path.replace(/index\.html$/, "").replace(/\.html$/, "/");
    return decodeURIComponent(path);
  }

  function instant(text) {
    var time = Date.parse(text || "");
    return isNaN(time) ? null : time;
  }

  function badge() {
    var mark = document.createElement("span");
    mark.className = "playbook-changed";
    mark.textContent = "changed since your last visit";
    return mark;
  }

  function mark(changes, seen) {
    var here = pageOf(window.location.href);
    var first = instant(seen[FIRST]);
    var updated = instant(changes[here]);
    var last = instant(seen[here]);
    var title = document.querySelector(".md-content h1");
    if (title && updated !== null && last !== null && updated > last &&
        !document.querySelector(".playbook-changed-note")) {
      var note = document.createElement("p");
      note.className = "playbook-changed-note";
      note.appendChild(badge());
      note.appendChild(document.createTextNode(
        " This page changed on " + changes[here].slice(0, 10) + ", after your last visit on " +
        seen[here].slice(0, 10) + "."));
      title.parentNode.insertBefore(note, title.nextSibling);
    }
    document.querySelectorAll(".md-content a[href]").forEach(function (link) {
      var target = pageOf(link.href);
      if (target === null || target === here || !(target in changes)) return;
      if (link.nextElementSibling && link.nextElementSibling.className === "playbook-changed") return;
      var since = instant(seen[target]);
      if (since === null) since = first;
      var changed = instant(changes[target]);
      if (since !== null && changed !== null && changed > since) {
        link.parentNode.insertBefore(badge(), link.nextSibling);
      }
    });
    return here;
  }

  function run() {
    var store = storage();
    if (!store || !root || !window.fetch) return;
    var seen = load(store);
    if (!seen[FIRST]) {
      /* A first visit marks nothing, so it does not fetch the list of changes (half a megabyte
         at 10,000 entries, while the reader's first search is loading). */
      var now = new Date().toISOString();
      var here = pageOf(window.location.href);
      seen[FIRST] = now;
      if (here !== null) seen[here] = now;
      save(store, seen);
      return;
    }
    updates = updates || window.fetch(new URL("assets/updated.json", root).href)
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; });
    updates.then(function (changes) {
      var seen = load(store);
      var now = new Date().toISOString();
      var here = mark(changes || {}, seen);
      if (here !== null) seen[here] = now;
      save(store, seen);
    });
  }

  window.playbookOnEveryPage(run);
})();
