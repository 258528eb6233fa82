// On wide screens the listing's filters start open; narrow ones keep them folded above the results.
// Loaded right after the filters (not deferred), so they are open before the page is first drawn.
(function () {
  "use strict";
  var filters = document.querySelector("[data-filters]");
  if (filters && window.matchMedia("(min-width: 900px)").matches) {
    filters.open = true;
  }
})();
