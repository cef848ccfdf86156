/* The take page: autosave, offline queue, timer, submit at time up.
 *
 * The page works without this script (answers are saved when the form is
 * submitted). With it, every change is queued in localStorage (per attempt)
 * and sent to the autosave endpoint with a rising sequence number; typing
 * is sent a moment after the last key. The server ignores a save older than
 * the one it holds and sends back the answer it kept, which the page then
 * shows, saying so. While offline (or when a save fails) the queue waits and
 * is sent again; after a reload the queued answers are put back into the
 * form first, so the page never shows (or posts) older answers than the
 * person gave. At time up, or when the server says time is up, the form is
 * submitted: the server accepts a final submit shortly after the deadline.
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
  var TYPING_DELAY_MS = 800;
  var RETRY_MS = 5000;
  var sending = false;
  var finished = false;
  var conflict = false;
  var typingTimer = null;
  var retryTimer = null;

  function say(kind) {
    status.textContent = status.getAttribute("data-" + kind);
    status.className = "connection connection-" + kind;
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }

  function keep(answers) {
    if (Object.keys(answers).length) {
      localStorage.setItem(storeKey, JSON.stringify(answers));
    } else {
      localStorage.removeItem(storeKey);
    }
  }

  function fieldsetOf(position) {
    return form.querySelector("fieldset.question[data-position='" + position + "']");
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
    // Ordering and matching: a place left blank is null; a partly filled ordering is an answer too.
    nodes = fieldset.querySelectorAll("select");
    values = [];
    var chosen = 0;
    for (i = 0; i < nodes.length; i++) {
      if (nodes[i].value === "") { values.push(null); } else { values.push(parseInt(nodes[i].value, 10)); chosen++; }
    }
    return type === "ordering" && chosen === 0 ? null : values;
  }

  /* Show `answer` (the shape answerOf returns) in the question's fields. */
  function putAnswer(fieldset, answer) {
    var type = fieldset.getAttribute("data-type");
    var name = "q" + fieldset.getAttribute("data-position");
    var i, nodes;
    if (type === "single" || type === "truefalse" || type === "multiple") {
      nodes = fieldset.querySelectorAll("input[name='" + name + "']");
      for (i = 0; i < nodes.length; i++) {
        var value = type === "truefalse" ? nodes[i].value === "true" : parseInt(nodes[i].value, 10);
        nodes[i].checked = type === "multiple" ? (answer || []).indexOf(value) >= 0 : answer === value;
      }
    } else if (type === "short" || type === "essay") {
      fieldset.querySelector("[name='" + name + "']").value = answer || "";
    } else {
      nodes = fieldset.querySelectorAll("select");
      for (i = 0; i < nodes.length; i++) {
        nodes[i].value = answer && answer[i] !== null && answer[i] !== undefined ? String(answer[i]) : "";
      }
    }
  }

  function queue(fieldset) {
    var answer = answerOf(fieldset);
    var answers = pending();
    answers[fieldset.getAttribute("data-position")] = answer;
    keep(answers);
    if (conflict) {
      conflict = false;
      var marked = form.querySelectorAll("fieldset.question.conflict");
      for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("conflict"); }
    }
  }

  function retryLater() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
    }
  }

  /* The final submit (time up, or the server says the attempt is over): the post carries the shown answers. */
  function submitNow() {
    if (finished) { return; }
    finished = true;
    say("timeup");
    dropShown();
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "finish";
    form.appendChild(action);
    form.submit();
  }

  function showRefused(reply, answers) {
    var now = pending();
    var current = reply.current || {};
    seq = Math.max(seq, parseInt(reply.current_seq, 10) || 0);
    localStorage.setItem(seqKey, String(seq));
    Object.keys(reply.saved || {}).forEach(function (k) {
      if (reply.saved[k] || !(k in current)) { return; }
      // Only if the person has not changed it again meanwhile; then their newer answer is sent next.
      if (JSON.stringify(now[k]) !== JSON.stringify(answers[k])) { return; }
      delete now[k];
      var fieldset = fieldsetOf(k);
      if (fieldset) {
        putAnswer(fieldset, current[k]);
        fieldset.classList.add("conflict");
      }
      conflict = true;
    });
    keep(now);
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
      if (response.status === 409) { sending = false; submitNow(); return null; }
      if (!response.ok) { throw new Error("save failed: " + response.status); }
      return response.json();
    }).then(function (reply) {
      if (reply === null) { return; }
      sending = false;
      // Drop only what was sent and stored; answers changed meanwhile stay queued.
      var now = pending();
      Object.keys(answers).forEach(function (k) {
        if (reply.saved && reply.saved[k] && JSON.stringify(now[k]) === JSON.stringify(answers[k])) { delete now[k]; }
      });
      keep(now);
      showRefused(reply, answers);
      if (Object.keys(pending()).length) { flush(); } else { say(conflict ? "conflict" : "online"); }
    }).catch(function () {
      sending = false;
      say("offline");
      retryLater();
    });
  }

  /* The positions this page shows: a form post carries their answers itself. */
  function dropShown() {
    var answers = pending();
    var shown = form.querySelectorAll("input[name=shown]");
    for (var i = 0; i < shown.length; i++) { delete answers[shown[i].value]; }
    keep(answers);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) { queue(fieldset); flush(); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    var type = fieldset && fieldset.getAttribute("data-type");
    if (type !== "short" && type !== "essay") { return; }
    queue(fieldset);
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(flush, TYPING_DELAY_MS);
  });
  form.addEventListener("submit", dropShown);
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say("offline"); });

  // After a reload: the answers still queued are the newest the person gave.
  var queued = pending();
  Object.keys(queued).forEach(function (k) {
    var fieldset = fieldsetOf(k);
    if (fieldset) { putAnswer(fieldset, queued[k]); }
  });
  if (navigator.onLine) { flush(); } else { say("offline"); }
  if (Object.keys(pending()).length === 0 && navigator.onLine) { say("online"); }

  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var alert = document.getElementById("quiz-timer-alert");
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    // Count against the server's clock, not the device's.
    var skew = Date.parse(timer.getAttribute("data-now")) - Date.now();
    var warned = {};
    var tick = function () {
      var left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      // Screen readers hear the time left only at these marks, not every second.
      [5, 1].forEach(function (mark) {
        if (left <= mark * 60 && left > 0 && !warned[mark] && alert) {
          warned[mark] = true;
          alert.textContent = alert.getAttribute("data-warn" + mark);
        }
      });
      if (left === 0) { submitNow(); return; }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
}());

/* The question editor, the answer-key form and the quiz builder: only the chosen
 * type's fields are shown (all are in the page, so it works without this script),
 * and the deform sequences' add, remove and reorder buttons are wired here, since
 * the CSP blocks deform's inline snippets. Reordering moves a row one place up per
 * click (the builder's places: the order the quiz shows them in).
 */
(function () {
  "use strict";
  var form = document.getElementById("question") || document.getElementById("key") ||
    document.getElementById("quiz");
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
