// Public theme: the author's links fold into a <details> on phones and are always shown beside the page on wide
// screens. Without this script the CSS shows them on wide screens anyway (::details-content); the script keeps
// the element's open state true to what is shown, for assistive technology and for browsers without that rule.
(function () {
  "use strict";
  var wide = window.matchMedia ? window.matchMedia("(min-width: 56rem)") : null;
  var folded = document.querySelectorAll("details[data-author-links]");
  if (!wide || !folded.length) { return; }

  function sync() {
    for (var i = 0; i < folded.length; i++) { folded[i].open = wide.matches; }
  }
  sync();
  if (wide.addEventListener) { wide.addEventListener("change", sync); } else if (wide.addListener) { wide.addListener(sync); }
})();
