// Light enhancements for the staff pages. Everything works without this file.
(function () {
  "use strict";

  // Show a block only when a radio/select has a value: data-show-when="name=value".
  function showWhen(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var form = block.closest("form");
      if (!form) return;
      function update() {
        var checked = form.querySelector('[name$="' + rule[0] + '"]:checked');
        block.hidden = !(checked && checked.value === rule[1]);
      }
      form.querySelectorAll('[name$="' + rule[0] + '"]').forEach(function (input) {
        input.addEventListener("change", update);
      });
      update();
    });
  }

  // The incident form: the ban length offered for the chosen severity, as a hint.
  function banDays(form) {
    var data = form.getAttribute("data-ban-days");
    if (!data) return;
    var days = JSON.parse(data);
    var input = form.querySelector('[name="days"]');
    function update() {
      var sev = form.querySelector('[name="severity"]:checked');
      if (!input || !sev) return;
      var n = days[sev.value];
      input.placeholder = n ? String(n) : "";
    }
    form.querySelectorAll('[name="severity"]').forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  // Plan rows: ban fields only for a temporary ban, restitution fields only for restitution;
  // empty rows after the first stay folded until "Add another action".
  var BAN = ["ban_days", "ban_ends_on", "supply_access_plan", "supply_access_details"];
  var RESTITUTION = ["restitution_amount", "restitution_goods"];
  function planRows(box) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-plan-row]"));
    rows.forEach(function (row) {
      var kind = row.querySelector('select[name$="-kind"]');
      function update() {
        var value = kind ? kind.value : "";
        row.querySelectorAll("[data-field]").forEach(function (field) {
          var name = field.getAttribute("data-field");
          if (BAN.indexOf(name) >= 0) field.hidden = value !== "temporary_ban" && !field.classList.contains("has-error");
          if (RESTITUTION.indexOf(name) >= 0) field.hidden = value !== "restitution" && !field.classList.contains("has-error");
        });
      }
      if (kind) kind.addEventListener("change", update);
      update();
    });
    var add = box.querySelector("[data-add-row]");
    var shown = 0;
    rows.forEach(function (row, i) {
      var kind = row.querySelector('select[name$="-kind"]');
      var used = (kind && kind.value) || row.classList.contains("has-error");
      if (i === 0 || used) { shown = i; } else { row.hidden = true; }
    });
    rows.forEach(function (row, i) { if (i <= shown) row.hidden = false; });
    if (add && rows.some(function (r) { return r.hidden; })) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var next = rows.filter(function (r) { return r.hidden; })[0];
        if (next) { next.hidden = false; var s = next.querySelector("select"); if (s) s.focus(); }
        if (!rows.some(function (r) { return r.hidden; })) add.hidden = true;
      });
    }
  }

  // Code-or-alias boxes: suggestions as you type (an ARIA listbox under the box).
  function suggest(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url) return;
    var list = document.createElement("ul");
    list.className = "suggest-list";
    list.id = input.id + "_suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.insertAdjacentElement("afterend", list);
    var timer = null, active = -1;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(li) { input.value = li.getAttribute("data-code"); close(); }
    function mark(i) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (items[i]) input.setAttribute("aria-activedescendant", items[i].id);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (p, i) {
              var li = document.createElement("li");
              li.id = list.id + "_" + i;
              li.setAttribute("role", "option");
              li.setAttribute("data-code", p.code);
              li.textContent = p.label;
              li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
              list.appendChild(li);
            });
            var any = data.results.length > 0;
            list.hidden = !any;
            input.setAttribute("aria-expanded", any ? "true" : "false");
            active = -1;
          })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      var items = list.querySelectorAll("li");
      if (list.hidden || !items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // After a failed submission, take the person to the first field in error (on a phone it
  // can be far below the fold), opening any folded section that holds it.
  function goToFirstError(root) {
    var failed = root.querySelector("form.step.has-errors, form .has-error");
    if (!failed) return false;
    var field = failed.closest(".has-error") || failed.querySelector(".has-error") || failed;
    var folded = field.closest("details");
    if (folded) folded.open = true;
    var first = field.querySelector("[aria-invalid=true], input:not([type=hidden]), select, textarea");
    field.scrollIntoView({ block: "center" });
    if (first) first.focus({ preventScroll: true });
    return true;
  }

  function enhance(root) {
    showWhen(root);
    root.querySelectorAll("form[data-ban-days]").forEach(banDays);
    root.querySelectorAll("[data-plan-rows]").forEach(planRows);
    root.querySelectorAll("input[data-suggest-url]").forEach(suggest);
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
    // A link in the error summary moves focus to its field, not only the view.
    root.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        event.preventDefault();
        var folded = target.closest("details");
        if (folded) folded.open = true;
        target.scrollIntoView({ block: "center" });
        var input = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        if (input) input.focus({ preventScroll: true });
      });
    });
  }

  // Steps on the case page post in the background and swap in the page's new main part, so
  // the page is not reloaded whole. One handler for every step form (form.step); without
  // JavaScript (or fetch) each form posts as usual and the server answers the same page.
  function submitStep(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.step") || !window.fetch || !window.FormData || !window.DOMParser) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;  // no double submission
    var data = new FormData(form);
    var by = event.submitter;
    if (by && by.name) data.append(by.name, by.value);
    var section = form.closest("section[id]");
    form.setAttribute("aria-busy", "true");
    // The last step's message goes now: what shows next is this step's own answer.
    document.querySelectorAll("#main > .msg, #main .msg.offline").forEach(function (old) { old.remove(); });
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (answer) {
        var doc = new DOMParser().parseFromString(answer.html, "text/html");
        var fresh = doc.getElementById("main");
        var main = document.getElementById("main");
        if (!fresh || !main) {  // not a page of this site (e.g. a server error): show it whole
          document.open(); document.write(answer.html); document.close();
          return;
        }
        main.innerHTML = fresh.innerHTML;
        document.title = doc.title;
        var url = answer.response.url;
        if (answer.response.redirected && url && url.split("#")[0] !== location.href.split("#")[0]) {
          history.pushState(null, "", url);
        }
        enhance(main);
        if (goToFirstError(main)) return;
        var alert = main.querySelector(".msg.error[role=alert]");
        var done = main.querySelector(".msg[role=status]");
        if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); return; }
        // Focus on the message (read out, as at the top of a new page), the view back at the
        // part of the case the person just worked on.
        if (done) { done.setAttribute("tabindex", "-1"); done.focus({ preventScroll: true }); }
        var place = section && document.getElementById(section.id);
        if (place) place.scrollIntoView({ block: "start" });
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        var note = form.querySelector(".offline") || document.createElement("p");
        note.className = "msg error offline";
        note.setAttribute("role", "alert");
        note.textContent = form.getAttribute("data-offline");
        form.insertBefore(note, form.firstChild);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    goToFirstError(document);
    document.addEventListener("submit", submitStep);
  });
})();
