"""WeasyPrint, as the PDFs of the reports use it: a document laid out from HTML with only the
project's own stylesheets and fonts (the URL fetcher refuses anything else, so rendering never
reaches the network), and written as a tagged PDF (PDF/UA-1). WeasyPrint is slow to import, so
it is imported only when a PDF is made.

``renderer_fingerprint`` and ``static_files_digest`` name everything besides the HTML that decides
the bytes of a PDF made here, for the keys of stored pack parts (reports.pdfparts)."""

import functools
import hashlib
import importlib.metadata
import mimetypes
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders

# Relative URLs in a PDF's HTML resolve against this base, which the fetcher maps to static files.
PACK_BASE_URL = "https://pack.invalid/"


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves the pack's stylesheets and fonts from the project's
    static files and refuses everything else (imported lazily: WeasyPrint is slow to import)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(PACK_BASE_URL + "static/"):
                raise ValueError(f"The pack only reads the project's own files, not {url}")
            relative = unquote(urlsplit(url).path).removeprefix("/static/")
            if ".." in relative.split("/"):
                raise ValueError(f"Refused path {relative}")
            path = finders.find(relative)
            if not path:
                raise FileNotFoundError(f"No static file {relative}; run `npm run build`")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                return URLFetcherResponse(url, handle.read(), {"Content-Type": content_type})

    return StaticOnlyFetcher(fail_on_errors=True)


_font_config = None


def _shared_font_config():
    """One font configuration per process: the pack's web fonts are decoded once, not per pack."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


# Arimo's Latin and Latin Extended subsets cover these; anything beyond (emoji, symbols) needs
# the emoji font, which is only loaded when the pack has such characters.
_BEYOND_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f\u2190-\u21ff"
                           r"\u2212\u2215\ufeff\ufffd]")
EMOJI_STYLESHEET = '<link rel="stylesheet" href="/static/dist/fonts/noto-emoji/400.css">'


def needs_emoji_font(html: str) -> bool:
    return bool(_BEYOND_LATIN.search(html))


def render_document(html: str):
    """Lay out HTML with WeasyPrint (a ``weasyprint.Document``), reading only the project's files."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    if needs_emoji_font(html):
        html = html.replace("</head>", EMOJI_STYLESHEET + "</head>", 1)
    try:
        return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=static_only_fetcher(),
                    media_type="print").render(pdf_variant="pdf/ua-1", pdf_tags=True,
                                               font_config=_shared_font_config())
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint: make it an ordinary error
        raise RuntimeError(f"{error} ({error.__cause__})") from error


def write_document(document, *, title: str) -> bytes:
    """The tagged PDF (PDF/UA-1) of a laid-out document, with its title and language: the HTML's
    own (``<html lang>``, which the templates take from the active language), else British English.
    (Read from the HTML, not the active language, as parts may be written in worker processes.)"""
    document.metadata.title = title
    document.metadata.lang = document.metadata.lang or "en-GB"
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def html_language() -> str:
    """The ``lang`` of the reports' HTML and PDFs for the active language: "cy", or "en-GB"."""
    from django.utils.translation import get_language

    return "cy" if (get_language() or "").startswith("cy") else "en-GB"


def html_to_pdf(html: str, *, title: str) -> tuple[bytes, int]:
    """Render HTML to a tagged PDF; returns (pdf bytes, page count)."""
    document = render_document(html)
    return write_document(document, title=title), len(document.pages)


# The project's files a PDF's HTML loads, and those its stylesheets load in turn.
_STATIC_REFERENCE = re.compile(r'(?:href|src)="/static/([^"?#]+)')
_STYLESHEET_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def static_files_digest(html: str) -> str:
    """A digest of the project's files that rendering ``html`` reads: its stylesheets (and the
    emoji font's, when the HTML needs it) and the fonts and images they load. Each file is hashed
    once per process, again only when its size or modification time changes."""
    if needs_emoji_font(html):
        html += EMOJI_STYLESHEET
    digest = hashlib.sha256()
    for relative in sorted(set(_STATIC_REFERENCE.findall(html))):
        digest.update(_static_file_digest(relative).encode())
    return digest.hexdigest()


def _static_file_digest(relative: str, loading=()) -> str:
    """The file's digest, with those of the files it loads (a stylesheet's fonts and imports)."""
    path = finders.find(relative)
    if not path or relative in loading:
        return f"{relative}: missing or loaded from itself"  # the render itself fails on a missing file
    stat = os.stat(path)
    own, loads = _read_static_file(relative, path, stat.st_size, stat.st_mtime_ns)
    if not loads:
        return own
    digest = hashlib.sha256(own.encode())
    for loaded in loads:
        digest.update(_static_file_digest(loaded, (*loading, relative)).encode())
    return digest.hexdigest()


@functools.cache
def _read_static_file(relative: str, path: str, _size: int, _modified: int) -> tuple[str, tuple[str, ...]]:
    """(the file's own digest, the files it loads): read again only when its size or time changes."""
    data = Path(path).read_bytes()
    loads = []
    if relative.endswith(".css"):
        for match in _STYLESHEET_REFERENCE.finditer(data.decode("utf-8", "replace")):
            url = (match[1] or match[2]).split("#")[0].split("?")[0]
            if not url.startswith("data:"):
                loads.append(url.removeprefix("/static/") if url.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(relative), url)))
    return hashlib.sha256(relative.encode() + b"\0" + data).hexdigest(), tuple(loads)


@functools.cache
def renderer_fingerprint() -> str:
    """What else decides a PDF's bytes, once per process: the versions of WeasyPrint and of the
    packages it uses (pydyf writes the PDF, fontTools and tinycss2 read fonts and stylesheets), of
    the text libraries it lays out and subsets fonts with (Pango, HarfBuzz, FreeType, fontconfig),
    and the source of this module and of reports.pdfparts, which set how parts are written."""
    from weasyprint.text.ffi import pango

    packages = ["weasyprint", *sorted({re.split(r"[^A-Za-z0-9_.-]", requirement)[0].lower()
                                       for requirement in importlib.metadata.requires("weasyprint") or ()
                                       if "extra ==" not in requirement})]
    versions = []
    for package in packages:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} absent")
    versions.append(f"pango {pango.pango_version()}")
    versions += _loaded_text_libraries()
    here = Path(__file__).parent
    sources = [(here / name).read_bytes() for name in ("pdf.py", "pdfparts.py")]
    return hashlib.sha256("\n".join(versions).encode() + b"".join(sources)).hexdigest()


def _loaded_text_libraries() -> list[str]:
    """The files of the text libraries this process has loaded (their names carry their full
    versions, as in libharfbuzz.so.0.60830.0), where the system says (Linux's /proc)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    names = ("libpango", "libharfbuzz", "libfreetype", "libfontconfig")
    return sorted({os.path.basename(os.path.realpath(line.split()[-1])) for line in maps.splitlines()
                   if line.split()[-1].startswith("/") and any(name in line for name in names)})
