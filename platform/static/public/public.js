// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // The phone/email box matters only when a text message or email is chosen.
  var detail = document.querySelector(".contact-detail");
  var methods = document.querySelectorAll('input[name="contact_method"]');
  if (detail && methods.length) {
    var update = function () {
      var chosen = document.querySelector('input[name="contact_method"]:checked');
      var needed = chosen && (chosen.value === "text" || chosen.value === "email");
      detail.hidden = !needed && !detail.classList.contains("has-error");
      var input = detail.querySelector("input");
      if (input && chosen) {
        input.type = chosen.value === "email" ? "email" : chosen.value === "text" ? "tel" : "text";
      }
    };
    methods.forEach(function (m) { m.addEventListener("change", update); });
    update();
  }
})();
