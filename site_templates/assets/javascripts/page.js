/* Runs each of the site's page scripts on every page: once the document is parsed, and again
   after each of the theme's instant navigations (its `document$`) when that feature is on.
   Loaded from the head (overrides/main.html), before the scripts that use it. */
window.playbookOnEveryPage = function (run) {
  "use strict";
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
};
