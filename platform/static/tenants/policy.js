// Show a setting's "beyond the recommendation" note as soon as the number passes it (the page
// shows the same note after saving, without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("[data-warn-above]").forEach(function (input) {
    var limit = parseInt(input.getAttribute("data-warn-above"), 10);
    var note = document.getElementById(input.getAttribute("data-warn-note"));
    if (!note) { return; }
    var update = function () {
      var value = parseInt(input.value, 10);
      note.hidden = !(value > limit);
    };
    input.addEventListener("input", update);
    update();
  });
})();
