"""An imported file costs in proportion to its size: limits on rows, columns, cells, sheets and
unpacked bytes, each refused with a message that says what was too big and what to do; XML is
never expanded; a file is read once, at upload.

Time is not asserted (the machine is shared); where a bound matters, the test asserts the
refusal and, for unpacking, the memory the read took.
"""

import datetime
import json
import tracemalloc

import openpyxl
import pytest

from improvement.importing.readers import Cell, Limits, ReadError, Sheet, read_upload, sheets_from_json, sheets_to_json
from tests.importing import builders


def peak_memory(function, *args):
    """(result or raised error, peak bytes allocated by Python while ``function`` ran)."""
    tracemalloc.start()
    try:
        try:
            result = function(*args)
        except Exception as error:  # noqa: BLE001 - the caller asserts what it expects
            result = error
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_2_mb_csv_of_commas_is_refused_before_it_is_split():
    name, data = builders.commas_csv()
    error, peak = peak_memory(read_upload, name, data)
    assert isinstance(error, ReadError)
    assert str(error) == ("Line 2 of “plan.csv” has 2,097,153 columns; an import reads at most 200. "
                          "Delete the empty columns and upload it again.")
    assert peak < 30 * 1024 * 1024  # the text itself, decoded; never a list of two million cells


def test_a_csv_row_too_wide_inside_quotes_is_still_refused():
    quoted_lines = '"a\n' + "," * 300 + '\nb",' + "x," * 250 + "\n"
    with pytest.raises(ReadError, match=r"Row 2 of “plan.csv” has 252 columns; an import reads at most 200"):
        read_upload("plan.csv", ("Action No.,Action\n" + quoted_lines).encode())


def test_commas_inside_quoted_csv_cells_are_not_counted_as_columns():
    note = '"' + "and, " * 300 + '"'
    sheet, = read_upload("plan.csv", f"Action No.,Action\n1.1,{note}\n".encode())
    assert len(sheet.rows[1]) == 2 and sheet.rows[1][1].text.startswith("and, and,")


def test_a_csv_with_too_many_cells_in_all_is_refused(settings):
    settings.IMPORT_MAX_CELLS = 1000
    name, data = builders.huge_csv(rows=600)  # two cells a row
    with pytest.raises(ReadError, match=r"“plan.csv” has more than 1,000 cells; an import reads at most 1,000\. "
                                        r"Delete the rows, columns and sheets that are not part of the plan"):
        read_upload(name, data)


def test_a_csv_field_too_long_for_the_csv_module_is_refused_with_a_reason():
    with pytest.raises(ReadError, match=r"cannot be read as CSV \(field larger than field limit"):
        read_upload("plan.csv", b'Action No.,Action\n1.1,"' + b"x" * 200_000 + b'"\n')


def test_the_row_limit_is_a_setting(settings):
    settings.IMPORT_MAX_ROWS = 10
    name, data = builders.huge_csv(rows=20)
    with pytest.raises(ReadError, match="has more than 10 rows"):
        read_upload(name, data)


def test_a_sheet_to_the_last_excel_column_is_refused_with_what_to_do():
    name, data = builders.wide_xlsx()
    with pytest.raises(ReadError) as refused:
        read_upload(name, data)
    assert str(refused.value) == ("The sheet “Plan” has 16,384 columns; an import reads at most 200. "
                                  "Delete the empty columns and upload it again.")


def test_an_xlsx_of_400000_cells_in_20_kb_is_refused():
    name, data = builders.many_cells_xlsx()
    assert len(data) < 30 * 1024
    with pytest.raises(ReadError, match=r"has more than 200,000 cells; an import reads at most 200,000"):
        read_upload(name, data)


def test_an_xlsx_whose_sheet_unpacks_past_the_part_limit_is_refused_from_its_directory():
    name, data = builders.inflating_xlsx(megabytes=30)
    assert len(data) < 100 * 1024
    error, peak = peak_memory(read_upload, name, data)
    assert isinstance(error, ReadError)
    assert str(error).startswith("“plan.xlsx” unpacks to more than 20 MB in one part (xl/worksheets/sheet1.xml); "
                                 "an import reads at most 20 MB of a part.")
    assert "delete the rows and columns after the plan" in str(error)
    assert peak < 5 * 1024 * 1024  # refused before unpacking


def test_all_the_parts_together_are_limited_too(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    name, data = builders.inflating_xlsx(megabytes=3)
    with pytest.raises(ReadError, match=r"“plan.xlsx” unpacks to more than 2 MB; an import reads at most 2 MB\. "
                                        r"Delete the sheets, images and rows"):
        read_upload(name, data)


def test_a_part_is_read_with_a_hard_cap_whatever_the_directory_says():
    """The cap while unpacking, on its own: the directory check is given a limit that lets the
    part through, the read a lower one."""
    import io
    import zipfile

    from improvement.importing.readers import _read_capped

    _name, data = builders.inflating_xlsx(megabytes=3)
    archive = zipfile.ZipFile(io.BytesIO(data))
    limits = Limits(rows=5000, columns=200, cells=200_000, sheets=100, part_bytes=1024 * 1024,
                    unpacked_bytes=50 * 1024 * 1024)
    with pytest.raises(ReadError, match="unpacks to more than 1 MB in one part"):
        _read_capped("plan.xlsx", archive, archive.getinfo("xl/worksheets/sheet1.xml"), limits, already=0)


def test_a_docx_whose_directory_understates_a_part_is_refused_without_unpacking_it():
    name, data = builders.lying_docx(megabytes=100)
    error, peak = peak_memory(read_upload, name, data)
    assert isinstance(error, ReadError)
    assert "“plan.docx” is damaged and cannot be opened (word/document.xml: Bad CRC-32" in str(error)
    assert peak < 10 * 1024 * 1024  # python-docx alone unpacks all 100 MB before it notices


def test_an_xlsx_with_too_many_sheets_is_refused(settings):
    settings.IMPORT_MAX_SHEETS = 3
    name, data = builders.many_sheets_xlsx(5)
    with pytest.raises(ReadError, match=r"“plan.xlsx” has 5 sheets; an import reads at most 3\. Delete the sheets "
                                        r"that are not part of the plan"):
        read_upload(name, data)


def test_a_package_of_a_thousand_parts_is_refused():
    name, data = builders.many_parts_xlsx()
    with pytest.raises(ReadError, match="holds 1,0.. parts; a real an Excel workbook"):
        read_upload(name, data)


def test_a_docx_table_too_wide_is_refused():
    name, data = builders.wide_docx(columns=250)
    with pytest.raises(ReadError) as refused:
        read_upload(name, data)
    assert str(refused.value) == ("Table 1 of “plan.docx” has 250 columns; an import reads at most 200. "
                                  "Delete the empty columns and upload it again.")


def test_a_docx_with_too_many_tables_is_refused(settings):
    settings.IMPORT_MAX_SHEETS = 1
    document = builders._small_document()
    document.add_table(rows=1, cols=1)
    with pytest.raises(ReadError, match=r"“plan.docx” has 2 tables; an import reads at most 1\."):
        read_upload("plan.docx", builders._document_bytes(document))


# --- XML is never expanded -------------------------------------------------------------------------


def test_a_billion_laughs_docx_is_refused():
    name, data = builders.billion_laughs_docx()
    with pytest.raises(ReadError, match=r"holds XML that Excel and Word never write \(a document type declaration, "
                                        r"in word/document.xml\)"):
        read_upload(name, data)


def test_an_external_entity_docx_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the server's secret")
    name, data = builders.external_entity_docx(str(secret))
    with pytest.raises(ReadError, match="a document type declaration"):
        read_upload(name, data)


def test_python_docx_itself_expands_no_entity():
    """Behind the refusal above: python-docx's parser (lxml, entities off) refuses the expansion."""
    import io
    import zipfile

    from docx.oxml.parser import parse_xml
    from lxml import etree

    _name, data = builders.billion_laughs_docx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    try:
        text = "".join(parse_xml(xml).itertext())
    except etree.XMLSyntaxError as error:
        assert "amplification" in str(error)
    else:
        assert "lollol" not in text


def test_python_docx_itself_reads_no_external_file(tmp_path):
    import io
    import zipfile

    from docx.oxml.parser import parse_xml

    secret = tmp_path / "secret.txt"
    secret.write_text("the server's password")
    _name, data = builders.external_entity_docx(str(secret))
    element = parse_xml(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert "password" not in "".join(element.itertext())


def test_openpyxl_parses_with_defusedxml_and_refuses_entities():
    """Behind the refusal: openpyxl uses defusedxml (installed as a dependency for this)."""
    import io

    from defusedxml import EntitiesForbidden

    assert openpyxl.DEFUSEDXML
    name, data = builders.xlsx_with_sheet_xml(b"")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
              b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    data = builders._replaced_parts(data, {"xl/worksheets/sheet1.xml": laughs})
    with pytest.raises(ReadError, match="a document type declaration, in xl/worksheets/sheet1.xml"):
        read_upload(name, data)
    with pytest.raises(ValueError, match="Unable to read workbook") as refused:
        openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert isinstance(refused.value.__cause__, EntitiesForbidden)


# --- Kept as read -------------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", [builders.walsall_xlsx, builders.walsall_xlsx_with_formulas,
                                     builders.southampton_docx, builders.wiltshire_csv])
def test_sheets_kept_as_json_are_the_sheets_as_read(builder):
    name = {"southampton_docx": "plan.docx", "wiltshire_csv": "plan.csv"}.get(builder.__name__, "plan.xlsx")
    sheets = read_upload(name, builder())
    assert sheets_from_json(json.loads(json.dumps(sheets_to_json(sheets)))) == sheets


def test_every_kind_of_cell_value_survives_json():
    cells = [Cell("31 Mar 2013", value=datetime.datetime(2013, 3, 31)), Cell("2013-03-31", value=datetime.date(2013, 3, 31)),
             Cell("09:30:00", value=datetime.time(9, 30)), Cell("1 day", value=datetime.timedelta(days=1, seconds=5)),
             Cell("3", value=3), Cell("2.5", value=2.5), Cell("inf", value=float("inf")), Cell("True", value=True),
             Cell("text", value="text"), Cell("other", value="text"), Cell("", is_formula=True), Cell("plain")]
    sheets = [Sheet("Plan", [cells])]
    assert sheets_from_json(json.loads(json.dumps(sheets_to_json(sheets), allow_nan=False))) == sheets
