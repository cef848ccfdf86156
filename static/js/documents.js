// Markdown preview on the document form: re-renders on the server without saving.
(function () {
  var button = document.getElementById("markdown-preview");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var source = document.querySelector("textarea[name=body_md]");
    var body = new URLSearchParams();
    body.set("body_md", source ? source.value : "");
    fetch(button.dataset.url, {method: "POST", headers: {"X-CSRF-Token": button.dataset.csrf}, body: body,
      credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { document.getElementById("preview-output").innerHTML = data.html; });
  });
})();

// Duties, situations, phrases, procedures and facts are deform sequences. The CSP
// blocks deform's inline snippets, so their add, remove and reorder buttons are
// wired here. Reordering moves an item one place up per click (also by keyboard),
// which is what the handle does when dragging is not at hand.
(function () {
  "use strict";
  if (!window.jQuery || !window.deform || !document.getElementById("document")) { return; }
  var $ = window.jQuery;
  function refresh($seq) {
    var $before = $seq.children(".card").children(".card-body").children(".deform-seq-container")
      .children(".deform-insert-before");
    var now = $seq.children(".card").children(".card-body").children(".deform-seq-container")
      .children(".deform-seq-item").length;
    window.deform.processSequenceButtons($seq, parseInt($before.attr("min_len") || "0", 10),
      parseInt($before.attr("max_len") || "9999", 10), now, parseInt($before.attr("orderable") || "0", 10));
  }
  $(function () {
    $(".deform-seq").each(function () { refresh($(this)); });
    $(document).on("click", "#document .deform-seq-add", function (event) {
      event.preventDefault();
      window.deform.appendSequenceItem(this);
      $(".deform-seq").each(function () { refresh($(this)); });
    });
    $(document).on("click", "#document .deform-close-button", function (event) {
      event.preventDefault();
      var $seq = $(this).closest(".deform-seq");
      window.deform.removeSequenceItem(this);
      refresh($seq);
    });
    $(document).on("click", "#document .deform-order-button", function (event) {
      event.preventDefault();
      var $item = $(this).closest(".deform-seq-item");
      var $previous = $item.prevAll(".deform-seq-item").first();
      if ($previous.length) { $item.insertBefore($previous); }
      this.focus();
    });
  });
})();
