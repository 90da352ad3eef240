// Loaded as a classic <script src> at the top of <body>, in place of GOV.UK's
// inline snippet, which a strict Content-Security-Policy forbids.
// `js-enabled` lets components hide no-JS fallbacks before first paint;
// `govuk-frontend-supported` is only added where ES modules work, as in the
// GOV.UK page template, and is what GOV.UK Frontend's initAll() checks.
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}
