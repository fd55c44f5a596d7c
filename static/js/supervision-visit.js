// The visit form (supervision/visit_new.html) keeps a draft in this browser until it is sent:
// a lost connection in the field loses nothing. The draft carries the form's client token, so
// sending the restored draft again cannot record the visit twice. Conveniences only: the form
// works without this script. Photos cannot be kept by a browser; the status line says so.
(function () {
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) return;

  var sent = document.getElementById("visit-sent");
  if (sent) {
    // The confirmation page: the server has the visit of this token; drop the draft.
    var key = "dudao-draft-" + sent.getAttribute("data-draft-key");
    var token = sent.getAttribute("data-sent");
    try {
      var saved = JSON.parse(store.getItem(key) || "null");
      if (saved && (!token || saved.client_token === token)) store.removeItem(key);
    } catch (e) { store.removeItem(key); }
    return;
  }

  var form = document.getElementById("visit-form");
  if (!form) return;
  var key = "dudao-draft-" + form.getAttribute("data-draft-key");
  var status = document.getElementById("draft-status");
  var fields = form.querySelectorAll("input:not([type=file]):not([type=hidden]), textarea, select");
  var tokenInput = form.querySelector("input[name=client_token]");

  function collect() {
    var data = { client_token: tokenInput ? tokenInput.value : "" };
    fields.forEach(function (f) {
      if (f.type === "radio") { if (f.checked) data[f.name] = f.value; }
      else if (f.type === "checkbox") { data[f.name] = f.checked; }
      else { data[f.name] = f.value; }
    });
    return data;
  }
  function save() {
    try {
      store.setItem(key, JSON.stringify(collect()));
      if (status) status.textContent = "草稿已保存在本机（照片需发送前重新选择）。";
    } catch (e) { if (status) status.textContent = "本机无法保存草稿。"; }
  }
  function restore() {
    var data;
    try { data = JSON.parse(store.getItem(key) || "null"); } catch (e) { data = null; }
    if (!data) return;
    if (tokenInput && data.client_token) tokenInput.value = data.client_token;
    fields.forEach(function (f) {
      if (!(f.name in data)) return;
      if (f.type === "radio") f.checked = (f.value === data[f.name]);
      else if (f.type === "checkbox") f.checked = !!data[f.name];
      else f.value = data[f.name];
    });
    if (status) status.textContent = "已恢复上次未发送的草稿。";
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
