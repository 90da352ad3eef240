// Copies the front-end assets that static/dist/app.css and the templates need
// into static/dist/. Run by `npm run build` after Sass has written app.css.
//
// - GOV.UK Frontend and MoJ Frontend ES module bundles (+ source maps, which
//   Django's ManifestStaticFilesStorage expects next to each bundle)
// - our own scripts and favicon from static/src/
// - every image that a url() in the compiled CSS refers to, looked up in the
//   GOV.UK Frontend and MoJ Frontend image folders. The build fails if a url()
//   cannot be resolved, so collectstatic never meets a missing file.
//
// The web pages use Arial and no font files: GDS Transport is for GOV.UK only. The PDF board
// pack embeds fonts from the project's own files (WeasyPrint never fetches from the network),
// so Arimo (metric-compatible with Arial) and Noto Emoji are copied to static/dist/fonts/.
// The GOV.UK favicons (a crown) are not copied either, for the same reason.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const src = path.join(root, 'static', 'src')
const dist = path.join(root, 'static', 'dist')
const govuk = path.join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const moj = path.join(root, 'node_modules', '@ministryofjustice', 'frontend', 'moj')

const imageDirs = [path.join(govuk, 'assets', 'images'), path.join(moj, 'assets', 'images')]

function copy(from, to) {
  if (!fs.existsSync(from)) {
    throw new Error(`build-assets: missing ${path.relative(root, from)}`)
  }
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.cpSync(from, to)
  console.log(`  ${path.relative(root, from)} -> ${path.relative(root, to)}`)
}

const css = path.join(dist, 'app.css')
if (!fs.existsSync(css)) {
  throw new Error('build-assets: static/dist/app.css is missing; run `npm run build:css` first')
}

// 1. JavaScript bundles (ES modules) and their source maps.
for (const [dir, name] of [
  [govuk, 'govuk-frontend.min.js'],
  [moj, 'moj-frontend.min.js']
]) {
  copy(path.join(dir, name), path.join(dist, name))
  copy(path.join(dir, `${name}.map`), path.join(dist, `${name}.map`))
}

// 2. Our own files.
for (const name of ['app.js', 'js-enabled.js', 'favicon.svg']) {
  copy(path.join(src, name), path.join(dist, name))
}

// 3. Images referenced from the compiled CSS.
const text = fs.readFileSync(css, 'utf8')
const urls = new Set()
for (const match of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
  const url = match[2].trim()
  if (url.startsWith('data:') || url.startsWith('#')) continue
  urls.add(url)
}

const missing = []
for (const url of [...urls].sort()) {
  if (/^[a-z]+:|^\//i.test(url)) {
    missing.push(`${url} (absolute URL: asset paths must stay relative to app.css)`)
    continue
  }
  const clean = url.split(/[?#]/)[0]
  if (!clean.startsWith('images/')) {
    missing.push(`${url} (only images/ is served)`)
    continue
  }
  const name = clean.slice('images/'.length)
  const found = imageDirs.map((dir) => path.join(dir, name)).find((file) => fs.existsSync(file))
  if (!found) {
    missing.push(url)
    continue
  }
  copy(found, path.join(dist, clean))
}

if (missing.length) {
  throw new Error(`build-assets: url()s in app.css that cannot be resolved:\n  ${missing.join('\n  ')}`)
}

// 4. Fonts for the PDF board pack: each family's @font-face CSS with its woff2 files.
// Arimo: only the Latin and Latin Extended subsets (English, Welsh, Polish and other European
// languages); each extra subset costs render time for every pack.
const keep = { arimo: /^\/\* arimo-latin(-ext)?-/, 'noto-emoji': /./ }
for (const [family, sheets] of [['arimo', ['400.css', '700.css']], ['noto-emoji', ['400.css']]]) {
  const from = path.join(root, 'node_modules', '@fontsource', family)
  const to = path.join(dist, 'fonts', family)
  for (const sheet of sheets) {
    // Keep only the woff2 source: smaller, and WeasyPrint reads it.
    const blocks = fs.readFileSync(path.join(from, sheet), 'utf8').split(/\n(?=\/\*)/)
    const text = blocks.filter((block) => keep[family].test(block.trim())).join('\n')
      .replace(/, url\([^)]*\.woff\) format\('woff'\)/g, '')
    fs.mkdirSync(to, { recursive: true })
    fs.writeFileSync(path.join(to, sheet), text)
    for (const match of text.matchAll(/url\(\.\/files\/([^)]+)\)/g)) {
      copy(path.join(from, 'files', match[1]), path.join(to, 'files', match[1]))
    }
  }
}

console.log(`build-assets: ${urls.size} CSS image(s), the JS bundles and the pack fonts copied to static/dist/`)
