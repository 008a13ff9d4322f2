// Colour scheme: follows the system unless the visitor chose one with the toggle; the choice is remembered.
// Loaded in <head> (not deferred) so the stored choice applies before the first paint, without a flash.
(function () {
  "use strict";
  var KEY = "profilehost-scheme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function systemDark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function isDark() {
    var choice = stored();
    return choice ? choice === "dark" : systemDark();
  }
  function apply() {
    var choice = stored();
    if (choice) { root.setAttribute("data-scheme", choice); } else { root.removeAttribute("data-scheme"); }
    var buttons = document.querySelectorAll("[data-scheme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", isDark() ? "true" : "false");
    }
  }
  function toggle() {
    try { localStorage.setItem(KEY, isDark() ? "light" : "dark"); } catch (e) { /* private mode: session only */ }
    apply();
  }

  apply();
  document.addEventListener("DOMContentLoaded", function () {
    apply();
    var buttons = document.querySelectorAll("[data-scheme-toggle]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].addEventListener("click", toggle); }
  });
})();
