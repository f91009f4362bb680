// Kirjuri: the entry-quality check while typing (issue 12). Progressive enhancement only: the
// form works the same without this script ("Check the text" posts the form). Served by Kirjuri
// itself under the page's CSP (`default-src 'self'`); it calls the JSON check endpoint
// (`POST /api/check`) with the session the page already has, and writes results as text only.
(function () {
  "use strict";
  var text = document.getElementById("text");
  var out = document.getElementById("live-check");
  var kind = document.getElementById("entry_type");
  if (!text || !out || !window.fetch) {
    return;
  }
  var uiLang = document.documentElement.lang || "fi";
  var timer = null;
  var asked = 0;

  function message(f, key) {
    return f[key + "_" + uiLang] || f[key + "_fi"] || null;
  }

  function show(report) {
    var list = out.querySelector("ol");
    var heading = out.querySelector("p");
    list.textContent = "";
    var n = report.findings.length;
    heading.textContent = n === 0 ? out.dataset.none : out.dataset.some.replace("{n}", String(n));
    report.findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = f.severity === "block" ? "finding finding--block" : "finding";
      var strong = document.createElement("strong");
      strong.textContent = f.severity === "block" ? out.dataset.blocks : out.dataset.warns;
      li.appendChild(strong);
      var body = " «" + f.matched + "»: " + (message(f, "message") || "");
      var suggestion = message(f, "suggestion");
      if (suggestion) {
        body += " → " + suggestion;
      }
      li.appendChild(document.createTextNode(body));
      list.appendChild(li);
    });
    out.hidden = false;
  }

  function check() {
    var mine = ++asked;
    if (text.value.trim() === "") {
      out.hidden = true;
      return;
    }
    fetch("/api/check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        text: text.value,
        entry_type: kind ? kind.value : null,
        language: out.dataset.language || null,
      }),
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (report) {
        // An answer to an older text is dropped: only the latest is shown.
        if (report && mine === asked) {
          show(report);
        }
      })
      .catch(function () {
        // Offline or refused: the check on submit still works.
      });
  }

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(check, 600);
  }

  text.addEventListener("input", later);
  if (kind) {
    kind.addEventListener("change", later);
  }
})();
