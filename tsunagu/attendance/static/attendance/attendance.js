/* The daily register's keyboard: with the focus in a pupil's row, a number key picks the mark that
 * carries it (shown in the legend) and moves on to the next pupil; Enter in a row moves on too.
 * Tapping needs no script at all (the marks are radio buttons). Static file: the CSP allows no inline code.
 */
(function () {
  "use strict";

  function rows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-row]"));
  }

  function focusRow(row) {
    if (!row) {
      return;
    }
    var target = row.querySelector("input[type=radio]:checked") || row.querySelector("input[type=radio]");
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-daily-register]");
    if (!form) {
      return;
    }
    form.addEventListener("keydown", function (event) {
      var radio = event.target;
      if (!radio || radio.type !== "radio" || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var row = radio.closest("[data-row]");
      var all = rows(form);
      var next = all[all.indexOf(row) + 1];
      if (event.key === "Enter") {
        event.preventDefault();
        focusRow(next);
        return;
      }
      var choice = row.querySelector('input[type=radio][data-key="' + event.key + '"]');
      if (!choice) {
        return;
      }
      event.preventDefault();
      choice.checked = true;
      choice.dispatchEvent(new Event("change", { bubbles: true }));
      // A mark that needs a time or a detail keeps the focus in the row to type it.
      var needsMore = choice.value !== "present" && choice.value !== "absent_illness" && choice.value !== "absent_other";
      if (needsMore) {
        var input = row.querySelector(".daily-row__time input, .daily-row__detail input");
        if (choice.value === "late" || choice.value === "early_leave") {
          input = row.querySelector(".daily-row__time input");
        } else {
          input = row.querySelector(".daily-row__detail input");
        }
        if (input) {
          window.setTimeout(function () { input.focus(); }, 0);
          return;
        }
      }
      focusRow(next);
    });
  });
})();
