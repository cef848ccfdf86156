// Training pages. The CSP blocks inline scripts and handlers, so the work deform's
// inline snippets would do (the course and path builders' sequence buttons: add,
// remove, and move an item one place up per click, also by keyboard) is wired
// here, and the certificate's print button too.
(function () {
  "use strict";
  var button = document.getElementById("training-print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
  if (!window.jQuery || !window.deform) {
    return;
  }
  var $ = window.jQuery;
  function refresh($seq) {
    var $before = $seq.find(".deform-insert-before").last();
    window.deform.processSequenceButtons($seq, parseInt($before.attr("min_len") || "0", 10),
      parseInt($before.attr("max_len") || "9999", 10), parseInt($before.attr("now_len") || "0", 10),
      parseInt($before.attr("orderable") || "0", 10));
  }
  $(function () {
    $(".deform-seq").each(function () { refresh($(this)); });
    $(document).on("click", ".deform-seq-add", function (event) {
      event.preventDefault();
      window.deform.appendSequenceItem(this);
    });
    $(document).on("click", ".deform-close-button", function (event) {
      event.preventDefault();
      window.deform.removeSequenceItem(this);
    });
    $(document).on("click", ".deform-order-button", function (event) {
      event.preventDefault();
      var $item = $(this).closest(".deform-seq-item");
      var $previous = $item.prevAll(".deform-seq-item").first();
      if ($previous.length) { $item.insertBefore($previous); }
      this.focus();
    });
  });
})();
