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
