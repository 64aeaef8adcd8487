// Live refresh without a full reload: every 10 s, fetch this page again and swap each [data-live] block,
// unless the operator is typing in a form or the tab is hidden. Without JavaScript the pages still work.
(function () {
  var blocks = document.querySelectorAll('[data-live]');
  if (!blocks.length) return;
  setInterval(function () {
    if (document.hidden) return;
    var a = document.activeElement;
    if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT')) return;
    fetch(location.href, { credentials: 'same-origin', headers: { 'X-Live-Refresh': '1' } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelectorAll('[data-live]');
        if (fresh.length !== blocks.length) return;
        blocks.forEach(function (b, i) { b.replaceWith(fresh[i]); });
        blocks = document.querySelectorAll('[data-live]');
      })
      .catch(function () { /* next tick tries again */ });
  }, 10000);
})();

// Filters that apply on change (an inline onchange handler would need the Content-Security-Policy to allow inline script).
document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
  s.addEventListener('change', function () { s.form.submit(); });
});
