"""Writes the office files the import and extraction tests read, with LibreOffice itself
(``soffice --headless --convert-to``), as an office clerk's machine would save them:

- roster_title_rows.{xlsx,xls,ods}: a person sheet with a merged title row and a note row above
  the header, the columns in the office's own order, an ID number typed into a number cell;
- roster_gbk.csv / roster_utf8_bom.csv: the same list as CSV in GBK and in UTF-8 with a BOM;
- numbered_footnotes.docx: a Word document with "一、" and "（一）" list numbering, a "1." list,
  a footnote and a picture, saved by LibreOffice Writer.

Run from this folder: ``python make_files.py`` (needs ``libreoffice-calc-nogui`` and
``libreoffice-writer-nogui``). The files are committed; the tests do not need LibreOffice.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = ["姓名", "人员编号", "所在支部编码", "身份证号", "人员类别", "职务"]
ROWS = [
    ["张三", "P-LO-1", "B-LO-1", "110105194912310038", "在职", "示范市档案馆（筹）"],
    ["李四", "P-LO-2", "B-LO-1", "11010519491231002X", "离退休", "书记讲党课："],
]
# A 1x1 PNG for the picture.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _fods() -> str:
    """A flat ODF spreadsheet: title row merged over the columns, a note row, the header, rows;
    the first person's ID number is a number cell (as typed without the text format)."""

    def cell(value, *, number=False, span=None):
        attrs = f' table:number-columns-spanned="{span}"' if span else ""
        if number:
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}>'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"{attrs}><text:p>{value}</text:p></table:table-cell>'

    rows = [
        "<table:table-row>"
        + cell("2005年示范市党员名册", span=len(HEADER))
        + "<table:covered-table-cell/>" * (len(HEADER) - 1)
        + "</table:table-row>",
        "<table:table-row>" + cell("填表说明：人员编号不可重复") + "</table:table-row>",
        "<table:table-row>" + "".join(cell(h) for h in HEADER) + "</table:table-row>",
    ]
    for n, row in enumerate(ROWS):
        cells = [cell(v, number=(n == 0 and k == 3)) for k, v in enumerate(row)]
        rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet><table:table table:name="人员">
{"".join(rows)}
</table:table></office:spreadsheet></office:body></office:document>"""


def _fodt() -> str:
    png = base64.b64encode(PNG).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
 <text:list-style style:name="CN">
  <text:list-level-style-number text:level="1" style:num-format="一, 二, 三, ..." style:num-suffix="、"/>
  <text:list-level-style-number text:level="2" style:num-format="一, 二, 三, ..." style:num-prefix="（" style:num-suffix="）"/>
 </text:list-style>
 <text:list-style style:name="AR">
  <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>
 </text:list-style>
</office:automatic-styles>
<office:body><office:text>
 <text:p>实施方案</text:p>
 <text:list text:style-name="CN">
  <text:list-item><text:p>指导思想</text:p>
   <text:list><text:list-item><text:p>坚持以党章为根本遵循</text:p></text:list-item>
   <text:list-item><text:p>坚持问题导向</text:p></text:list-item></text:list>
  </text:list-item>
  <text:list-item><text:p>主要措施<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>见市委2005年1号文件</text:p></text:note-body></text:note>和步骤</text:p></text:list-item>
 </text:list>
 <text:list text:style-name="AR">
  <text:list-item><text:p>学习动员阶段</text:p></text:list-item>
  <text:list-item><text:p>分析评议阶段</text:p></text:list-item>
 </text:list>
 <text:p>附图：<draw:frame draw:name="图1" svg:width="1cm" svg:height="1cm"><draw:image><office:binary-data>{png}</office:binary-data></draw:image></draw:frame>示意</text:p>
</office:text></office:body></office:document>"""


def _convert(source: Path, fmt: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        (produced,) = Path(out).iterdir()
        shutil.move(str(produced), target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fods = Path(tmp) / "roster_title_rows.fods"
        fods.write_text(_fods(), encoding="utf-8")
        _convert(fods, "xlsx:Calc MS Excel 2007 XML", HERE / "roster_title_rows.xlsx")
        _convert(fods, "xls:MS Excel 97", HERE / "roster_title_rows.xls")
        _convert(fods, "ods", HERE / "roster_title_rows.ods")
        fodt = Path(tmp) / "numbered_footnotes.fodt"
        fodt.write_text(_fodt(), encoding="utf-8")
        _convert(fodt, "docx:MS Word 2007 XML", HERE / "numbered_footnotes.docx")
    lines = [",".join(HEADER)] + [",".join(r) for r in ROWS]
    (HERE / "roster_gbk.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    (HERE / "roster_utf8_bom.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


if __name__ == "__main__":
    main()
