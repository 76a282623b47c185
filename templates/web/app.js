/* global document, window */
// Progressive enhancement only: every page works without it.
document.querySelectorAll('[data-autosubmit]').forEach(function (el) {
  el.addEventListener('change', function () {
    el.form.submit();
  });
});
document.querySelectorAll('form[data-confirm]').forEach(function (form) {
  form.addEventListener('submit', function (ev) {
    if (!window.confirm(form.getAttribute('data-confirm'))) ev.preventDefault();
  });
});
