// Daily drill: small enhancements over the plain forms (the page works without this file).
// Keys 1–4 pick a choice; Enter submits as usual.
(function () {
  "use strict";
  var form = document.querySelector(".drill-form");
  if (!form) { return; }
  var choices = form.querySelectorAll("input[type=radio][name=value]");
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT" && event.target.type !== "radio") { return; }
    var n = parseInt(event.key, 10);
    if (n >= 1 && n <= choices.length) { choices[n - 1].checked = true; choices[n - 1].focus(); }
  });
  var first = form.querySelector("input[name=value], select");
  if (first) { first.focus(); }
}());
