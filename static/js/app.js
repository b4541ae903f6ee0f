// Meeting Needs Together - site JavaScript (progressive enhancement only).
//
// Loaded from templates/base.html as:
//   <script type="module" src="{% static 'js/app.js' %}"></script>
// There are no inline scripts anywhere (so a strict Content Security Policy
// can be used). Every page works fully without this file.
//
// Only browsers that support ES modules run this file. That matches what
// GOV.UK Frontend v6 supports, so adding the class here is equivalent to the
// `'noModule' in HTMLScriptElement.prototype` check in GOV.UK Frontend's page
// template.

import { initAll } from './govuk-frontend.min.js'

// GOV.UK Frontend v6 uses this class on <body> to switch on JavaScript-enhanced
// styles (for example the service navigation "Menu" button on phones) and
// refuses to initialise components without it.
document.body.classList.add('govuk-frontend-supported')

// Find every element with a data-module="govuk-..." attribute (service
// navigation, skip link, accordions, tabs, error summary and so on) and
// start it up.
initAll()
