/* Entry grids of the health exams: Enter moves to the same column of the next row (as in a
 * spreadsheet) instead of submitting the form; Tab keeps its usual meaning. No inline code (CSP). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList || !input.classList.contains("grid-input")) {
      return;
    }
    event.preventDefault();
    var cell = input.closest("td");
    var row = input.closest("tr");
    var column = Array.prototype.indexOf.call(row.children, cell);
    var next = event.shiftKey ? row.previousElementSibling : row.nextElementSibling;
    while (next) {
      var target = next.children[column] && next.children[column].querySelector(".grid-input");
      if (target) {
        target.focus();
        target.select();
        return;
      }
      next = event.shiftKey ? next.previousElementSibling : next.nextElementSibling;
    }
  });
})();
