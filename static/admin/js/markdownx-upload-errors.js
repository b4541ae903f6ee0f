// Show editors why an image dropped into a Markdown field was refused.
//
// django-markdownx reports a refused upload only by typing "Invalid response"
// into the text and firing `markdownx.fileUploadError` (which does not bubble)
// on the editor's wrapper, with our JSON ({"image": ["<message>"]}) as detail.
'use strict';
(function () {
  var PLACEHOLDER = 'Invalid response';

  function messageFrom(detail) {
    var response = detail && detail[0];
    try {
      if (typeof response === 'string') { response = JSON.parse(response); }
    } catch (error) {
      response = null;
    }
    var messages = response && response.image;
    return (messages && messages.length) ? messages.join(' ')
      : 'The image could not be uploaded. Please try again.';
  }

  function showError(wrapper, text) {
    var note = wrapper.querySelector('.app-upload-error');
    if (!note) {
      note = document.createElement('p');
      note.className = 'errornote app-upload-error';
      note.setAttribute('role', 'alert');
      wrapper.insertBefore(note, wrapper.firstChild);
    }
    note.textContent = text;
  }

  function watch(wrapper) {
    wrapper.addEventListener('markdownx.fileUploadError', function (event) {
      showError(wrapper, messageFrom(event.detail));
      // markdownx types its placeholder into the text just after this event.
      var editor = wrapper.querySelector('textarea');
      window.setTimeout(function () {
        if (editor) { editor.value = editor.value.replace(PLACEHOLDER, ''); }
      }, 0);
    });
    wrapper.addEventListener('markdownx.fileUploadEnd', function () {
      var note = wrapper.querySelector('.app-upload-error');
      if (note) { note.remove(); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.markdownx').forEach(watch);
  });
}());
