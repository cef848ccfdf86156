/* The take page: autosave on change, offline queue, timer, auto-submit at time up.
 *
 * The page works without this script (answers are saved when the form is
 * submitted). With it, every change is sent to the autosave endpoint with a
 * rising sequence number; the server ignores an older save that arrives late.
 * While offline, the pending answers are kept in localStorage (per attempt)
 * and resent when the browser is back online, also after a reload.
 */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var status = document.getElementById("quiz-connection");
  var saveUrl = form.getAttribute("data-save-url");
  var storeKey = "cs-handbook-quiz-" + form.getAttribute("data-attempt");
  var token = form.querySelector("input[name=csrf_token]").value;
  var seqKey = storeKey + "-seq";
  var seq = Math.max(parseInt(form.getAttribute("data-seq"), 10) || 0,
                     parseInt(localStorage.getItem(seqKey), 10) || 0);
  var sending = false;
  var finished = false;

  function say(kind) {
    status.textContent = status.getAttribute("data-" + kind);
    status.className = "connection connection-" + kind;
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }

  function keep(answers) {
    localStorage.setItem(storeKey, JSON.stringify(answers));
  }

  function answerOf(fieldset) {
    var type = fieldset.getAttribute("data-type");
    var name = "q" + fieldset.getAttribute("data-position");
    var i, nodes, values;
    if (type === "single" || type === "truefalse") {
      var checked = fieldset.querySelector("input[name='" + name + "']:checked");
      if (!checked) { return null; }
      return type === "single" ? parseInt(checked.value, 10) : checked.value === "true";
    }
    if (type === "multiple") {
      nodes = fieldset.querySelectorAll("input[name='" + name + "']:checked");
      values = [];
      for (i = 0; i < nodes.length; i++) { values.push(parseInt(nodes[i].value, 10)); }
      return values;
    }
    if (type === "short" || type === "essay") {
      return fieldset.querySelector("[name='" + name + "']").value;
    }
    nodes = fieldset.querySelectorAll("select");
    values = [];
    var empty = 0;
    for (i = 0; i < nodes.length; i++) {
      if (nodes[i].value === "") { empty++; values.push(null); } else { values.push(parseInt(nodes[i].value, 10)); }
    }
    if (type === "ordering") {
      // An ordering is sent only once it is a whole permutation.
      var seen = {};
      for (i = 0; i < values.length; i++) { if (values[i] === null || seen[values[i]]) { return undefined; } seen[values[i]] = 1; }
      return values;
    }
    return values;
  }

  function flush() {
    var answers = pending();
    if (sending || finished || Object.keys(answers).length === 0) { return; }
    if (!navigator.onLine) { say("offline"); return; }
    sending = true;
    seq += 1;
    localStorage.setItem(seqKey, String(seq));
    say("saving");
    fetch(saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token, "Accept": "application/json"},
      body: JSON.stringify({seq: seq, answers: answers})
    }).then(function (response) {
      sending = false;
      if (response.status === 409) { finished = true; localStorage.removeItem(storeKey); window.location.reload(); return; }
      if (!response.ok) { say("offline"); return; }
      // Drop only what was sent; answers changed meanwhile stay queued.
      var now = pending();
      Object.keys(answers).forEach(function (k) {
        if (JSON.stringify(now[k]) === JSON.stringify(answers[k])) { delete now[k]; }
      });
      keep(now);
      if (Object.keys(now).length) { flush(); } else { say("online"); }
    }).catch(function () {
      sending = false;
      say("offline");
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) { return; }
    var answer = answerOf(fieldset);
    if (answer === undefined) { return; }
    var answers = pending();
    answers[fieldset.getAttribute("data-position")] = answer;
    keep(answers);
    flush();
  });
  form.addEventListener("submit", function () {
    // The form post carries every shown answer itself.
    localStorage.removeItem(storeKey);
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say("offline"); });
  if (navigator.onLine) { flush(); } else { say("offline"); }
  if (Object.keys(pending()).length === 0 && navigator.onLine) { say("online"); }

  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    // Count against the server's clock, not the device's.
    var skew = Date.parse(timer.getAttribute("data-now")) - Date.now();
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0 && !finished) {
        finished = true;
        say("timeup");
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "finish";
        form.appendChild(action);
        form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
}());

/* The question editor and the answer-key form: only the chosen type's fields are
 * shown (all are in the page, so it works without this script), and the deform
 * sequences' add, remove and reorder buttons are wired here, since the CSP blocks
 * deform's inline snippets. Reordering moves a row one place up per click.
 */
(function () {
  "use strict";
  var form = document.getElementById("question") || document.getElementById("key");
  if (!form) { return; }
  var FIELDS = {single: "options", multiple: "options", truefalse: "answer", short: "answers",
                ordering: "items", matching: "pairs", essay: "rubric"};
  var type = form.querySelector("select[name=type]");
  function showType() {
    var wanted = FIELDS[type.value];
    Object.keys(FIELDS).forEach(function (t) {
      var name = FIELDS[t];
      form.querySelectorAll(":scope > fieldset > .item-" + name).forEach(function (el) {
        el.hidden = name !== wanted;
      });
    });
  }
  if (type) {
    type.addEventListener("change", showType);
    showType();
  }
  if (!window.jQuery || !window.deform) { return; }
  var $ = window.jQuery;
  function refresh($seq) {
    var $container = $seq.children(".card").children(".card-body").children(".deform-seq-container");
    var $before = $container.children(".deform-insert-before");
    window.deform.processSequenceButtons($seq, parseInt($before.attr("min_len") || "0", 10),
      parseInt($before.attr("max_len") || "9999", 10), $container.children(".deform-seq-item").length,
      parseInt($before.attr("orderable") || "0", 10));
  }
  $(function () {
    var $form = $(form);
    $form.find(".deform-seq").each(function () { refresh($(this)); });
    $form.on("click", ".deform-seq-add", function (event) {
      event.preventDefault();
      window.deform.appendSequenceItem(this);
      $form.find(".deform-seq").each(function () { refresh($(this)); });
    });
    $form.on("click", ".deform-close-button", function (event) {
      event.preventDefault();
      var $seq = $(this).closest(".deform-seq");
      window.deform.removeSequenceItem(this);
      refresh($seq);
    });
    $form.on("click", ".deform-order-button", function (event) {
      event.preventDefault();
      var $item = $(this).closest(".deform-seq-item");
      var $previous = $item.prevAll(".deform-seq-item").first();
      if ($previous.length) { $item.insertBefore($previous); }
      this.focus();
    });
  });
})();
