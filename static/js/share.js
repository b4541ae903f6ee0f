// Sharing and printing a page: progressive enhancement only.
//
// Loaded from templates/base.html as a module (no inline script, so the strict
// Content Security Policy holds). Without it every page still works: the page's
// address is shown to select and copy, and a printout still ends with it.

// "Copy link", "Copy short link", "Copy text" (templates/includes/share.html). Each
// button stays hidden unless the browser can copy to the clipboard, which needs https
// (or localhost). What it says once copied: the container's data-copied-message.
function initCopyLink (container) {
  const input = container.querySelector('.app-copy-link__url')
  const button = container.querySelector('.app-copy-link__button')
  const status = container.querySelector('.app-copy-link__status')
  if (!input || !button || !status || !window.isSecureContext || !navigator.clipboard) {
    return
  }
  const copied = container.dataset.copiedMessage || 'Link copied'

  // Clear, then say it: the same words twice in a row are announced again.
  const announce = (message) => {
    status.textContent = ''
    window.setTimeout(() => { status.textContent = message }, 100)
  }

  button.hidden = false
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value)
      announce(copied)
    } catch {
      // Refused (a browser setting, say): select the address so it can be copied by hand.
      input.focus()
      input.select()
      announce('It is selected: copy it with your keyboard or menu')
    }
  })
}

// Print: show each link's full address, and today's date in "Printed from ... on ...".
// (Without this, the stylesheet prints addresses as written, such as /news/, and the
// date the server made the page.)
function preparePrint () {
  document.querySelectorAll('.govuk-main-wrapper a[href]').forEach((link) => {
    const href = link.getAttribute('href')
    if (href.startsWith('/') || href.startsWith('http')) {
      link.dataset.printHref = link.href
    }
  })
  const date = document.querySelector('.app-print-date')
  if (date) {
    const today = new Date()
    date.textContent = today.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
    date.dateTime = [
      today.getFullYear(),
      String(today.getMonth() + 1).padStart(2, '0'),
      String(today.getDate()).padStart(2, '0')
    ].join('-')
  }
}

// "Print this handout" (templates/sharing/handout.html): without JavaScript the page
// says to use the browser's Print command, and the button stays hidden.
function initPrintButton (button) {
  if (typeof window.print !== 'function') {
    return
  }
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

document.querySelectorAll('[data-module="app-copy-link"]').forEach(initCopyLink)
document.querySelectorAll('[data-module="app-print"]').forEach(initPrintButton)
preparePrint()
window.addEventListener('beforeprint', preparePrint) // a page left open overnight
