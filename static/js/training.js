// Training pages: the certificate's print button (inline handlers are blocked by the CSP).
(function () {
  "use strict";
  var button = document.getElementById("training-print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
