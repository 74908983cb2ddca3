/* The writing page (所見, 道徳, 外国語活動, 総合): a character counter per box against the school's
 * limit (line breaks do not count, as on the server), autosave of each box a moment after typing
 * stops and when it loses focus, and one-click insertion of a phrase or a いいところ note at the
 * cursor. A 409 answer means somebody else saved in between: their text is shown and the teacher
 * chooses; nothing is overwritten without that choice. Static file: the CSP allows no inline code.
 */
(function () {
  "use strict";

  var DELAY = 1200;

  function length(text) {
    return String(text || "").replace(/\r?\n/g, "").length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-remarks]");
    if (!form) {
      return;
    }
    var texts = form.dataset;
    var lastFocused = {};
    var boxes = Array.prototype.slice.call(form.querySelectorAll("textarea[data-kind]"));

    function parts(area) {
      var box = area.closest("[data-box]");
      return {
        box: box,
        count: box.querySelector("[data-count]"),
        state: box.querySelector("[data-state]"),
        conflict: box.querySelector("[data-conflict]"),
        version: form.querySelector('input[name="version-' + area.dataset.kind + '"]')
      };
    }

    function count(area) {
      var p = parts(area);
      var n = length(area.value);
      var limit = parseInt(area.dataset.limit, 10);
      p.count.textContent = p.count.textContent.replace(/^\d+ \/ \d+/, n + " / " + limit);
      var over = n > limit;
      p.box.classList.toggle("is-over", over);
      area.setAttribute("aria-invalid", over ? "true" : "false");
      return !over;
    }

    function setState(area, text, kind) {
      var p = parts(area);
      p.state.textContent = text;
      p.state.className = "remark-box__state" + (kind ? " is-" + kind : "");
    }

    function save(area, force) {
      if (area.readOnly) {
        return;
      }
      if (!count(area)) {
        setState(area, texts.textOver, "error");
        return;
      }
      if (!force && area.dataset.saved === area.value) {
        return;
      }
      var p = parts(area);
      var sent = area.value;
      setState(area, texts.textSaving, "saving");
      fetch(form.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf },
        body: JSON.stringify({
          student: form.dataset.student,
          term: form.dataset.term ? parseInt(form.dataset.term, 10) : null,
          kind: area.dataset.kind,
          text: sent,
          version: parseInt(area.dataset.version, 10)
        })
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (answer) {
        if (answer.status === 200) {
          area.dataset.version = String(answer.data.version);
          p.version.value = String(answer.data.version);
          area.dataset.saved = sent;
          setState(area, texts.textSaved, "saved");
          p.conflict.hidden = true;
        } else if (answer.status === 409) {
          area.dataset.theirsVersion = String(answer.data.version);
          p.conflict.querySelector("[data-conflict-text]").textContent = answer.data.theirs;
          p.conflict.querySelector("[data-conflict-by]").textContent = answer.data.by || "";
          p.conflict.hidden = false;
          setState(area, texts.textConflict, "error");
        } else {
          setState(area, (answer.data && answer.data.error) || texts.textError, "error");
        }
      }).catch(function () {
        setState(area, texts.textError, "error");
      });
    }

    boxes.forEach(function (area) {
      var timer = null;
      area.dataset.saved = area.value;
      count(area);
      area.addEventListener("input", function () {
        // Not saved yet: the state says so until the save a moment later answers.
        if (count(area)) {
          setState(area, "", "");
        } else {
          setState(area, texts.textOver, "error");
        }
        clearTimeout(timer);
        timer = setTimeout(function () { save(area, false); }, DELAY);
      });
      area.addEventListener("blur", function () {
        clearTimeout(timer);
        save(area, false);
      });
      area.addEventListener("focus", function () { lastFocused[area.dataset.kind] = area; });
      var p = parts(area);
      p.conflict.querySelector("[data-take-theirs]").addEventListener("click", function () {
        area.value = p.conflict.querySelector("[data-conflict-text]").textContent;
        area.dataset.version = area.dataset.theirsVersion;
        p.version.value = area.dataset.theirsVersion;
        area.dataset.saved = area.value;
        p.conflict.hidden = true;
        count(area);
        setState(area, texts.textSaved, "saved");
      });
      p.conflict.querySelector("[data-keep-mine]").addEventListener("click", function () {
        area.dataset.version = area.dataset.theirsVersion;
        p.version.value = area.dataset.theirsVersion;
        save(area, true);
      });
    });

    // A phrase or a note goes in at the cursor of its kind's box (the general 所見 for a note).
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert]");
      if (!button) {
        return;
      }
      var kind = button.dataset.insertKind;
      var area = lastFocused[kind] || form.querySelector('textarea[data-kind="' + kind + '"]');
      if (!area || area.readOnly) {
        return;
      }
      var start = area.selectionStart || area.value.length;
      var end = area.selectionEnd || start;
      var insert = button.dataset.insert;
      area.value = area.value.slice(0, start) + insert + area.value.slice(end);
      area.focus();
      area.selectionStart = area.selectionEnd = start + insert.length;
      area.dispatchEvent(new Event("input"));
    });
  });
})();
