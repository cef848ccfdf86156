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
