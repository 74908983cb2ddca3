/* The score grid: keyboard moves like a spreadsheet (arrows, Enter, Tab), a block pasted from Excel
 * (tab-separated rows) fills the cells from the focused one, and each pupil's row saves itself to the
 * JSON endpoint with the versions it loaded. A 409 answer lists the cells somebody else changed: both
 * values are shown and the teacher chooses; nothing is overwritten without that choice.
 * Static file: the CSP allows no inline code and no eval.
 */
(function () {
  "use strict";

  var ABSENT = ["欠", "欠席", "ケツ", "けつ", "x", "X"];

  function normalise(text) {
    // Full-width digits and the full-width point/period from a Japanese IME.
    return String(text || "")
      .replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/[．。]/g, ".")
      .trim();
  }

  function validCell(input) {
    var text = normalise(input.value);
    if (text === "" || ABSENT.indexOf(text) >= 0) {
      return true;
    }
    if (!/^\d+(\.\d)?$/.test(text)) {
      return false;
    }
    var value = parseFloat(text);
    return value >= 0 && value <= parseFloat(input.dataset.max);
  }

  /** Split a clipboard text from Excel into rows of cells (a trailing line break is not a row). */
  function parseClipboard(text) {
    var lines = String(text).replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") {
      lines.pop();
    }
    return lines.map(function (line) { return line.split("\t"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("[data-score-grid]");
    if (!table) {
      return;
    }
    var texts = document.getElementById("grid-text").dataset;
    var saveUrl = table.dataset.saveUrl;
    var csrf = table.dataset.csrf;
    var state = document.querySelector("[data-save-state]");
    var conflictBox = document.querySelector("[data-conflicts]");
    var conflictRows = document.querySelector("[data-conflict-rows]");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-student]"));
    var grid = rows.map(function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("input.grid-cell")); });
    // Rows wait in one queue and are saved one request at a time: a pasted block of 40 rows becomes
    // 40 short requests in a row rather than 40 at once (kinder to the server, and SQLite writes
    // one at a time anyway).
    var queue = [];
    var busy = false;

    function saveRow(tr) {
      if (queue.indexOf(tr) < 0) {
        queue.push(tr);
      }
      pump();
    }

    function pump() {
      if (busy || !queue.length) {
        return;
      }
      busy = true;
      var tr = queue.shift();
      sendRow(tr, function () {
        busy = false;
        pump();
      });
    }

    function position(input) {
      for (var r = 0; r < grid.length; r++) {
        var c = grid[r].indexOf(input);
        if (c >= 0) {
          return [r, c];
        }
      }
      return null;
    }

    function focusCell(r, c) {
      if (r < 0 || r >= grid.length || c < 0 || c >= grid[r].length) {
        return;
      }
      grid[r][c].focus();
      grid[r][c].select();
    }

    function markDirty(input) {
      input.dataset.dirty = "1";
      var ok = validCell(input);
      input.setAttribute("aria-invalid", ok ? "false" : "true");
      input.title = ok ? "" : texts.invalid;
      input.closest("tr").classList.add("is-dirty");
    }

    function showState(text) {
      if (state) {
        state.textContent = text;
      }
    }

    function anyDirty() {
      return table.querySelector("input.grid-cell[data-dirty]") !== null;
    }

    function applyResult(tr, result) {
      result.viewpoints.forEach(function (v) {
        var td = tr.querySelector('[data-result="' + v.viewpoint + '"]');
        if (td) {
          td.textContent = v.grade || "";
          if (v.overridden) {
            td.insertAdjacentHTML("beforeend", "<sup>*</sup>");
          }
          td.className = "score-grid__result grade grade--" + (v.grade || "none");
          td.title = v.percentage ? v.percentage + "%" : "";
        }
      });
      var rating = tr.querySelector('[data-result="rating"]');
      if (rating) {
        rating.textContent = result.rating === null ? "" : String(result.rating);
        if (result.rating_overridden) {
          rating.insertAdjacentHTML("beforeend", "<sup>*</sup>");
        }
      }
    }

    function cellOf(tr, part) {
      return tr.querySelector('input.grid-cell[data-part="' + part + '"]');
    }

    function addConflict(tr, conflict) {
      var input = cellOf(tr, conflict.part);
      if (!input) {
        return;
      }
      var existing = conflictRows.querySelector('[data-key="' + tr.dataset.student + conflict.part + '"]');
      if (existing) {
        existing.remove();
      }
      var row = document.createElement("tr");
      row.dataset.key = tr.dataset.student + conflict.part;
      function cell(text) {
        var td = document.createElement("td");
        td.textContent = text;
        row.appendChild(td);
        return td;
      }
      cell(tr.querySelector(".score-grid__name").textContent);
      cell(input.dataset.label);
      cell((conflict.theirs || "（空欄）") + (conflict.by ? "（" + texts.by + " " + conflict.by + "）" : ""));
      cell(conflict.mine || "（空欄）");
      var choice = cell("");
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "button";
      keep.textContent = texts.keepTheirs;
      var mine = document.createElement("button");
      mine.type = "button";
      mine.className = "button button--primary";
      mine.textContent = texts.useMine;
      choice.appendChild(keep);
      choice.appendChild(document.createTextNode(" "));
      choice.appendChild(mine);
      input.classList.add("is-conflict");
      input.dataset.version = String(conflict.version);
      keep.addEventListener("click", function () {
        input.value = conflict.theirs;
        delete input.dataset.dirty;
        input.classList.remove("is-conflict");
        row.remove();
        closeConflicts();
      });
      mine.addEventListener("click", function () {
        input.value = conflict.mine;
        input.classList.remove("is-conflict");
        markDirty(input);
        row.remove();
        closeConflicts();
        saveRow(tr);
      });
      conflictRows.appendChild(row);
      conflictBox.hidden = false;
    }

    function closeConflicts() {
      if (!conflictRows.children.length) {
        conflictBox.hidden = true;
      }
    }

    function sendRow(tr, done) {
      var student = tr.dataset.student;
      var inputs = Array.prototype.slice.call(tr.querySelectorAll("input.grid-cell[data-dirty]"));
      inputs = inputs.filter(function (i) { return !i.classList.contains("is-conflict"); });
      if (!inputs.length || inputs.some(function (i) { return !validCell(i); })) {
        done(); // nothing to send, or a cell shows what is wrong: nothing is sent until it is fixed
        return;
      }
      var sent = inputs.map(function (i) { return { input: i, value: i.value }; });
      tr.classList.add("is-saving");
      showState(texts.saving);
      fetch(saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: JSON.stringify({
          student: student,
          cells: sent.map(function (s) {
            return { part: s.input.dataset.part, value: s.value, version: parseInt(s.input.dataset.version || "0", 10) };
          })
        })
      })
        .then(function (response) {
          return response.json().then(function (body) { return { status: response.status, body: body }; });
        })
        .then(function (answer) {
          var body = answer.body;
          if (answer.status === 400 && body.errors) {
            Object.keys(body.errors).forEach(function (part) {
              var input = cellOf(tr, part);
              if (input) {
                input.setAttribute("aria-invalid", "true");
                input.title = body.errors[part].join(" ");
              }
            });
            return;
          }
          if (answer.status !== 200 && answer.status !== 409) {
            throw new Error("status " + answer.status);
          }
          (body.saved || []).forEach(function (cell) {
            var input = cellOf(tr, cell.part);
            if (!input) {
              return;
            }
            input.dataset.version = String(cell.version);
            var item = sent.filter(function (s) { return s.input === input; })[0];
            // Only clear the mark when the cell still holds what was sent (it may have been typed over).
            if (item && input.value === item.value) {
              delete input.dataset.dirty;
              if (document.activeElement !== input) {
                input.value = cell.value;
              }
            }
          });
          (body.conflicts || []).forEach(function (conflict) { addConflict(tr, conflict); });
          if (body.result) {
            applyResult(tr, body.result);
          }
          if (!tr.querySelector("input.grid-cell[data-dirty]")) {
            tr.classList.remove("is-dirty");
          }
          showState(anyDirty() ? "" : texts.saved);
        })
        .catch(function () {
          showState(texts.unsaved);
          window.setTimeout(function () { saveRow(tr); }, 5000);
        })
        .then(function () {
          tr.classList.remove("is-saving");
          done();
        });
    }

    table.addEventListener("input", function (event) {
      if (event.target.classList.contains("grid-cell")) {
        markDirty(event.target);
      }
    });

    table.addEventListener("focusin", function (event) {
      if (event.target.classList.contains("grid-cell")) {
        event.target.select();
      }
    });

    // A row is saved when the focus leaves it (and shortly after typing stops).
    var timers = {};
    table.addEventListener("focusout", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("grid-cell")) {
        return;
      }
      var tr = input.closest("tr");
      window.setTimeout(function () {
        if (!tr.contains(document.activeElement)) {
          saveRow(tr);
        }
      }, 0);
    });
    table.addEventListener("input", function (event) {
      var tr = event.target.closest("tr");
      var key = tr.dataset.student;
      window.clearTimeout(timers[key]);
      timers[key] = window.setTimeout(function () { saveRow(tr); }, 1500);
    });

    table.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.classList.contains("grid-cell") || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var pos = position(input);
      if (!pos) {
        return;
      }
      var r = pos[0], c = pos[1];
      var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      if (event.key === "Enter") {
        event.preventDefault();
        focusCell(event.shiftKey ? r - 1 : r + 1, c);
        saveRow(input.closest("tr"));
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        focusCell(r + 1, c);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        focusCell(r - 1, c);
      } else if (event.key === "ArrowRight" && (whole || input.selectionStart === input.value.length)) {
        event.preventDefault();
        focusCell(r, c + 1);
      } else if (event.key === "ArrowLeft" && (whole || input.selectionEnd === 0)) {
        event.preventDefault();
        focusCell(r, c - 1);
      } else if (event.key === "Escape" && input.dataset.dirty) {
        input.value = input.defaultValue;
      }
    });

    table.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.classList.contains("grid-cell")) {
        return;
      }
      var text = (event.clipboardData || window.clipboardData).getData("text");
      var block = parseClipboard(text);
      if (block.length === 1 && block[0].length === 1) {
        return; // one value: the browser pastes it into the cell as usual
      }
      event.preventDefault();
      var pos = position(input);
      var touched = [];
      block.forEach(function (cells, i) {
        var r = pos[0] + i;
        if (r >= grid.length) {
          return;
        }
        cells.forEach(function (value, j) {
          var target = grid[r][pos[1] + j];
          if (target) {
            target.value = normalise(value);
            markDirty(target);
          }
        });
        if (touched.indexOf(rows[r]) < 0) {
          touched.push(rows[r]);
        }
      });
      touched.forEach(saveRow);
    });

    window.addEventListener("beforeunload", function (event) {
      if (anyDirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
