"""improvement.lib.filetypes: an evidence file's kind from its content, reading only what that needs."""

import io
import tracemalloc
import zipfile

from improvement.lib import filetypes


def _zip(members: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if name in stored else None)
    buffer.seek(0)
    return buffer


def test_an_opendocument_is_recognised_from_its_mimetype_member():
    handle = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
                  stored=("mimetype",))
    assert filetypes.check_upload(handle, "minutes.odt") is filetypes.ODF


def test_an_ooxml_document_is_recognised_from_the_zip_directory():
    handle = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert filetypes.sniff(handle) is filetypes.DOCX


def test_sniffing_reads_a_few_bytes_of_a_member_that_unpacks_to_100_mb():
    mimetype = b"application/vnd.oasis.opendocument.text" + b" " * (100 * 1024 * 1024)
    handle = _zip({"mimetype": mimetype})
    assert len(handle.getvalue()) < 200 * 1024
    tracemalloc.start()
    try:
        kind = filetypes.sniff(handle)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert kind is filetypes.ODF
    assert peak < 1024 * 1024


def test_a_zip_whose_member_cannot_be_unpacked_is_not_an_allowed_kind():
    handle = _zip({"mimetype": b"application/vnd.oasis.opendocument.text"})
    data = bytearray(handle.getvalue())
    data[8:10] = (99).to_bytes(2, "little")  # the local header names a compression method zipfile does not know
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 10:directory + 12] = (99).to_bytes(2, "little")
    assert filetypes.sniff(io.BytesIO(bytes(data))) is None
