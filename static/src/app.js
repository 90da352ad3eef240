// Progressive enhancement only: every page works without JavaScript.
// Loaded from templates/base.html as <script type="module">, so it runs after
// the document has been parsed and only in browsers that GOV.UK Frontend
// supports. Both bundles are copied next to this file by `npm run build`.
import { initAll as initGovukFrontend } from './govuk-frontend.min.js'
import * as MOJFrontend from './moj-frontend.min.js'

initGovukFrontend()

if (typeof MOJFrontend.initAll === 'function') {
  MOJFrontend.initAll()
}

// A filter box above a long list of checkboxes (templates/govuk/widgets/checkboxes.html, e.g.
// the scrutiny item's actions): typing hides the options, and the groups, whose text does not
// contain every word typed. Hidden options keep their ticks and are still sent. Without
// JavaScript the box is never added and every option is listed. The status line's words come
// from the page (data-i18n-status, translated), with {shown} and {total} filled in.
function initCheckboxFilters () {
  document.querySelectorAll('[data-module="app-checkbox-filter"]').forEach((list) => {
    const items = Array.from(list.querySelectorAll('.govuk-checkboxes__item'))
    const groups = Array.from(list.querySelectorAll('[data-filter-group]'))
    const texts = new Map(items.map((item) => {
      const group = item.closest('[data-filter-group]')
      const heading = group ? group.querySelector('p').textContent : ''
      return [item, `${item.textContent} ${heading}`.toLowerCase()]
    }))

    const field = document.createElement('div')
    field.className = 'govuk-form-group app-checkbox-filter'
    const label = document.createElement('label')
    label.className = 'govuk-label'
    label.htmlFor = list.dataset.filterId
    label.textContent = list.dataset.filterLabel
    const input = document.createElement('input')
    input.className = 'govuk-input govuk-!-width-two-thirds'
    input.type = 'search'
    input.id = list.dataset.filterId
    input.autocomplete = 'off'
    input.spellcheck = false
    const status = document.createElement('p')
    status.className = 'govuk-hint govuk-!-margin-top-1 govuk-!-margin-bottom-0'
    status.setAttribute('aria-live', 'polite')
    status.id = `${list.dataset.filterId}-status`
    input.setAttribute('aria-describedby', status.id)
    field.append(label, input, status)
    list.prepend(field)

    // Enter in the box would submit the whole form.
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') event.preventDefault()
    })
    input.addEventListener('input', () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean)
      let shown = 0
      for (const item of items) {
        const match = words.every((word) => texts.get(item).includes(word))
        item.hidden = !match
        if (match) shown += 1
      }
      for (const group of groups) {
        group.hidden = !group.querySelector('.govuk-checkboxes__item:not([hidden])')
      }
      const template = list.dataset.i18nStatus || '{shown} of {total} shown'
      status.textContent = words.length
        ? template.replace('{shown}', String(shown)).replace('{total}', String(items.length))
        : ''
    })
  })
}

initCheckboxFilters()
// A background job's page (a board pack render, a large export) refreshes its status by itself.
// The region (data-module="app-job-status", aria-live="polite") fetches its own status partial
// (data-status-url) every few seconds, waiting longer each time, and replaces its content only
// when its text changed, so a screen reader hears each change once. It stops when the job
// has finished (data-job-finished="true") or when the answer is not the partial (signed out,
// gone); "Check again" stays for that case and for browsers without JavaScript.
const JOB_STATUS_FIRST_WAIT = 2000
const JOB_STATUS_LONGEST_WAIT = 15000

function jobFinished (root) {
  const state = root.querySelector('[data-job-finished]')
  return state === null || state.dataset.jobFinished === 'true'
}

function textOf (root) {
  return root.textContent.replace(/\s+/g, ' ').trim()
}

function initJobStatus (region) {
  const url = region.dataset.statusUrl
  let wait = JOB_STATUS_FIRST_WAIT

  async function check () {
    let response
    try {
      response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
    } catch {
      return later() // the network failed for a moment: try again
    }
    if (!response.ok || response.redirected) return
    const fragment = document.createElement('template')
    fragment.innerHTML = await response.text()
    if (fragment.content.querySelector('[data-job-finished]') === null) return
    if (textOf(fragment.content) !== textOf(region)) {
      region.replaceChildren(fragment.content)
      initGovukFrontend({ scope: region })
    }
    if (!jobFinished(region)) later()
  }

  function later () {
    window.setTimeout(check, wait)
    wait = Math.min(wait * 1.5, JOB_STATUS_LONGEST_WAIT)
  }

  if (url && !jobFinished(region)) later()
}

document.querySelectorAll('[data-module="app-job-status"]').forEach(initJobStatus)
