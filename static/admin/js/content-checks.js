// The content checks of each text, beside it as the editor writes.
//
// A Markdown field: django-markdownx fires `markdownx.update` on the editor's wrapper
// each time it has rendered the preview (after the editor pauses typing). A plain
// text field the checks read is marked `data-content-checks`; it is checked when the
// editor pauses. The findings come from the panel's `data-check-url` (staff only), as
// HTML, and are shown in a box beside the text (below it on a narrow screen).
// Without JavaScript the panel still lists them after saving.
'use strict';
(function () {
  var PAUSE = 600; // milliseconds without typing before a plain text is checked

  function tokenOf(form) {
    var input = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : '';
  }

  function makeBox() {
    var box = document.createElement('div');
    box.className = 'app-live-checks';
    var title = document.createElement('p');
    title.className = 'app-live-checks-title';
    title.textContent = 'Content checks for this text';
    var results = document.createElement('div');
    box.appendChild(title);
    box.appendChild(results);
    return { box: box, results: results };
  }

  function checker(editor, results, url) {
    var asked = 0;
    return function () {
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
    };
  }

  function watchMarkdown(wrapper, url) {
    var editor = wrapper.querySelector('textarea');
    if (!editor) { return; }
    var parts = makeBox();
    wrapper.appendChild(parts.box);
    wrapper.classList.add('app-has-checks');
    var run = checker(editor, parts.results, url);
    wrapper.addEventListener('markdownx.update', run);
    run();
  }

  function watchPlain(editor, url) {
    var parts = makeBox();
    parts.box.classList.add('app-live-checks--plain');
    editor.parentNode.insertBefore(parts.box, editor.nextSibling);
    var run = checker(editor, parts.results, url);
    var timer = null;
    editor.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, PAUSE);
    });
    run();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var panel = document.getElementById('content-checks');
    var url = panel && panel.getAttribute('data-check-url');
    if (!url) { return; }
    document.querySelectorAll('.markdownx').forEach(function (wrapper) {
      watchMarkdown(wrapper, url);
    });
    document.querySelectorAll('textarea[data-content-checks]').forEach(function (editor) {
      watchPlain(editor, url);
    });
  });
}());
