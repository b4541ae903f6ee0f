// The content checks of each Markdown text, beside its live preview.
//
// django-markdownx fires `markdownx.update` on the editor's wrapper each time it has
// rendered the preview (after the editor pauses typing); the findings are then asked
// for at the panel's `data-check-url` (staff only) and shown under a heading beside
// the text. Without JavaScript the panel still lists them after saving.
'use strict';
(function () {
  function tokenOf(form) {
    var input = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : '';
  }

  function watch(wrapper, url) {
    var editor = wrapper.querySelector('textarea');
    if (!editor) { return; }
    var box = document.createElement('div');
    box.className = 'app-live-checks';
    var title = document.createElement('p');
    title.className = 'app-live-checks-title';
    title.textContent = 'Content checks for this text';
    var results = document.createElement('div');
    box.appendChild(title);
    box.appendChild(results);
    wrapper.parentNode.insertBefore(box, wrapper.nextSibling);

    var asked = 0;
    function run() {
      var body = new FormData();
      body.append('content', editor.value);
      body.append('csrfmiddlewaretoken', tokenOf(editor.form));
      var mine = ++asked;
      fetch(url, { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) {
          if (mine === asked) { results.innerHTML = html; }
        })
        .catch(function () {
          if (mine === asked) { results.textContent = 'The checks could not be run just now.'; }
        });
    }
    wrapper.addEventListener('markdownx.update', run);
    run();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var panel = document.getElementById('content-checks');
    var url = panel && panel.getAttribute('data-check-url');
    if (!url) { return; }
    document.querySelectorAll('.markdownx').forEach(function (wrapper) { watch(wrapper, url); });
  });
}());
