/* GOV.UK error pattern: the error summary takes the focus when the page
   opens, so that screen readers read it first; its links move the focus to
   their field and show the field's label (or the question of a group). */
(function () {
  'use strict';
  function ready(fn) {
    if (document.readyState !== 'loading') { fn(); }
    else { document.addEventListener('DOMContentLoaded', fn); }
  }
  ready(function () {
    var summary = document.querySelector('.error-summary[data-focus]');
    if (summary) { summary.focus(); }
    document.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest(
        '.error-summary a[href^="#"]');
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute('href').slice(1));
      if (!target) { return; }
      event.preventDefault();
      var shown = document.querySelector('label[for="' + target.id + '"]');
      var fieldset = target.closest('fieldset');
      if (fieldset && (target.type === 'checkbox' || target.type === 'radio')) {
        shown = fieldset.querySelector('legend') || shown;
      }
      (shown || target).scrollIntoView();
      target.focus({preventScroll: true});
      if (window.history && history.replaceState) {
        history.replaceState(null, '', link.getAttribute('href'));
      }
    });
  });
}());
