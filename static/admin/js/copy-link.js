// "Copy link" on the preview links page: progressive enhancement only.
//
// Without it each link is still shown in full, to select and copy by hand. The
// buttons stay hidden unless the browser can copy to the clipboard (https or
// localhost). Loaded from the page's own template: no inline script, so the strict
// Content Security Policy holds.
'use strict';
(function () {
  if (!window.isSecureContext || !navigator.clipboard) {
    return;
  }

  document.querySelectorAll('.preview-link__copy[data-copy]').forEach(function (button) {
    var link = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector('.preview-link__status');
    if (!link || !status) {
      return;
    }

    // Clear, then say it: the same words twice in a row are announced again.
    function announce (message) {
      status.textContent = '';
      window.setTimeout(function () { status.textContent = message; }, 100);
    }

    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(link.textContent.trim()).then(function () {
        announce('Link copied');
      }, function () {
        // Refused (a browser setting, say): select it so it can be copied by hand.
        window.getSelection().selectAllChildren(link);
        announce('The link is selected: copy it with your keyboard or menu');
      });
    });
  });
})();
