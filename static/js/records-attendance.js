// The attendance tick-list (records/session_form.html): conveniences only, the form works without it.
(function () {
  var form = document.getElementById("session-form");
  var boxes = form.querySelectorAll("input[name=present]");
  var count = document.getElementById("tick-count");
  function update() {
    var n = 0;
    boxes.forEach(function (b) { b.closest("li").classList.toggle("on", b.checked); if (b.checked) n++; });
    count.textContent = "已选 " + n + " / " + boxes.length + " 人";
  }
  form.querySelectorAll("button[data-tick]").forEach(function (btn) {
    btn.addEventListener("click", function (e) {
      e.preventDefault();
      var on = btn.getAttribute("data-tick") === "all";
      boxes.forEach(function (b) { b.checked = on; });
      update();
    });
  });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
})();
