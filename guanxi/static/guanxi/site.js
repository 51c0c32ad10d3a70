/* Guanxi's own script: small behaviours that htmx does not cover. Every page works
   without it. Loaded with `defer` from static files, as the Content Security Policy asks. */
(function () {
  "use strict";

  // Pop-over panels (<details data-dismissible>: Connect, the ⋯ menu) close on Escape,
  // giving focus back to the button that opened them, and on a click elsewhere.
  var OPEN_PANELS = "details[data-dismissible][open]";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(OPEN_PANELS).forEach(function (panel) {
      var active = document.activeElement;
      var focusWasInside = panel.contains(active) || active === document.body || active === null;
      panel.open = false;
      if (focusWasInside) panel.querySelector("summary").focus();
    });
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll(OPEN_PANELS).forEach(function (panel) {
      if (!panel.contains(event.target)) panel.open = false;
    });
  });

  // Collapsible blocks (<details data-open-from="861">: the directory's filters) are
  // folded on phones so the results come first, and open from that width up.
  function unfoldOnWideScreens() {
    document.querySelectorAll("details[data-open-from]").forEach(function (block) {
      var wide = window.matchMedia("(min-width: " + block.dataset.openFrom + "px)");
      if (wide.matches) block.open = true;
      wide.addEventListener("change", function () {
        if (wide.matches) block.open = true;
      });
    });
  }

  // Menus that scroll sideways on phones show the current page's item.
  function revealCurrentMenuItem() {
    document.querySelectorAll(".chip-menu [aria-current='page']").forEach(function (item) {
      var menu = item.closest(".chip-menu");
      if (menu.scrollWidth <= menu.clientWidth) return;
      var box = menu.getBoundingClientRect();
      var place = item.getBoundingClientRect();
      menu.scrollLeft += place.left - box.left - (box.width - place.width) / 2;
    });
  }

  unfoldOnWideScreens();
  revealCurrentMenuItem();
  window.matchMedia("(max-width: 860px)").addEventListener("change", revealCurrentMenuItem);
})();
