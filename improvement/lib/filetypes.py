"""Recognise an uploaded file's type from its content, not its name.

Only the kinds of file that councils use as evidence are allowed: PDF, Office documents
(OOXML and the older OLE2 formats), OpenDocument, images, and plain text or CSV. The name's
extension must agree with the content, so a script renamed to .pdf, or a PDF renamed to .exe,
is refused.
"""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind(_("PDF"), "application/pdf", (".pdf",))
PNG = FileKind(_("PNG image"), "image/png", (".png",))
JPEG = FileKind(_("JPEG image"), "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileKind(_("Word document"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
XLSX = FileKind(_("Excel spreadsheet"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileKind(_("PowerPoint presentation"),
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                (".pptx",))
OLE2 = FileKind(_("Office 97–2003 document"), "application/octet-stream", (".doc", ".xls", ".ppt"))
ODF = FileKind(_("OpenDocument file"), "application/vnd.oasis.opendocument",
               (".odt", ".ods", ".odp"))
TEXT = FileKind(_("text file"), "text/plain", (".txt", ".csv"))

ALLOWED_DESCRIPTION = _("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV")

_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


# An OpenDocument's "mimetype" member is one short line; reading more than this could unpack a
# member of any size, whatever the zip's directory says.
_MIMETYPE_BYTES = 100


def _zip_kind(handle) -> FileKind | None:
    """The kind of a zip, from its directory and at most the first bytes of one member."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(_MIMETYPE_BYTES).decode("ascii", "replace")
                return ODF if mimetype.startswith("application/vnd.oasis.opendocument") else None
            if "[Content_Types].xml" not in names:
                return None
            for prefix, kind in _OOXML_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return None  # damaged, encrypted or compressed in a way zipfile does not know: not an allowed kind
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the end of the sample
            return True
    try:
        head.decode("cp1252")  # text saved by older Windows programs
        return True
    except UnicodeDecodeError:
        return False


def sniff(handle) -> FileKind | None:
    """The kind of file ``handle`` (a binary file object) holds, or None if not allowed."""
    handle.seek(0)
    head = handle.read(8192)
    handle.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = OLE2
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(handle)
        handle.seek(0)
    elif head and _is_text(head) and not head.lstrip().lower().startswith((b"<!doctype", b"<html",
                                                                          b"<script", b"<svg")):
        kind = TEXT
    return kind


def check_upload(handle, name: str) -> FileKind:
    """Return the file's kind, or raise ValueError with a message for the person uploading."""
    kind = sniff(handle)
    if kind is None:
        raise ValueError(gettext("The file must be a %(kinds)s file") % {"kinds": ALLOWED_DESCRIPTION})
    extension = PurePath(name).suffix.lower()
    if extension not in kind.extensions:
        raise ValueError(
            gettext("The file’s name ends in “%(extension)s” but it is a %(kind)s: rename it to end in %(extensions)s")
            % {"extension": extension or gettext("nothing"), "kind": kind.label,
               "extensions": gettext(" or ").join(kind.extensions)}
        )
    return kind
