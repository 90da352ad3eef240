"""WeasyPrint, as the PDFs of the reports use it: a document laid out from HTML with only the
project's own stylesheets and fonts (the URL fetcher refuses anything else, so rendering never
reaches the network), and written as a tagged PDF (PDF/UA-1). WeasyPrint is slow to import, so
it is imported only when a PDF is made."""

import mimetypes
import re
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
    """The tagged PDF (PDF/UA-1) of a laid-out document, with its title and language."""
    document.metadata.title = title
    document.metadata.lang = "en-GB"
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def html_to_pdf(html: str, *, title: str) -> tuple[bytes, int]:
    """Render HTML to a tagged PDF; returns (pdf bytes, page count)."""
    document = render_document(html)
    return write_document(document, title=title), len(document.pages)
