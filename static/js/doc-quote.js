// Enhancement only: selecting text in the document fills the comment's quote and offset.
(function () {
  var box = document.getElementById("doc-text"), form = document.getElementById("comment-form");
  if (!box || !form) return;
  box.addEventListener("mouseup", function () {
    var sel = window.getSelection(); if (!sel.rangeCount) return;
    var text = sel.toString(); if (!text.trim()) return;
    var range = sel.getRangeAt(0), pre = document.createRange();
    pre.selectNodeContents(box); pre.setEnd(range.startContainer, range.startOffset);
    var before = pre.cloneContents(); before.querySelectorAll("sup").forEach(function (s) { s.remove(); });
    form.querySelector("[name=quote]").value = text;
    form.querySelector("[name=start]").value = before.textContent.length;
  });
})();
