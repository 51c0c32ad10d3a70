// The profile editor: nothing typed is lost without a warning.
//
// Every form marked data-unsaved-guard is watched; one whose fields differ from what
// the page was served with shows "Not saved yet". htmx saves each section in place,
// so saving one card never touches the text in another. Anything that would unload
// the page while a card holds unsaved text (a link, a reload, a form posted without
// htmx) asks first; a form posting itself does not count its own text as lost.
(function () {
  "use strict";

  var GUARDED = "form[data-unsaved-guard]";
  var submittingForm = null; // a guarded form reloading the page with its save

  function fieldChanged(field) {
    if (field.disabled || !field.name) return false;
    if (field.type === "file") return field.files !== null && field.files.length > 0;
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
      return false;
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  }

  function isDirty(form) {
    return Array.prototype.some.call(form.elements, fieldChanged);
  }

  function dirtyForms(except) {
    return Array.prototype.filter.call(document.querySelectorAll(GUARDED), function (form) {
      return form !== except && isDirty(form);
    });
  }

  function refresh(form) {
    var dirty = isDirty(form);
    form.classList.toggle("has-unsaved", dirty);
    var note = form.querySelector("[data-unsaved-note]");
    if (note) note.hidden = !dirty;
  }

  function onEdit(event) {
    var form = event.target.closest && event.target.closest(GUARDED);
    if (form) refresh(form);
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest(GUARDED);
    if (form && !event.defaultPrevented) submittingForm = form; // htmx prevents its own
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms(submittingForm).length === 0) return;
    submittingForm = null; // the member may stay: the next unload asks again
    event.preventDefault();
    event.returnValue = ""; // older browsers need a value to ask
  });

  // A swapped-in section starts clean.
  document.addEventListener("htmx:afterSettle", function () {
    Array.prototype.forEach.call(document.querySelectorAll(GUARDED), refresh);
  });
})();
