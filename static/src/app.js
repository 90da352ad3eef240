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
