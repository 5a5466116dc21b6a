"""A document laid out by hand on QPdfWriter's pages (A4 or US Letter), with a header and
a footer band on every page ("Page n of N" on the right of the footer) and no section
heading left alone at the foot of a page: the machinery every printable document of the
app shares (the session summary, the REMS form). What a document says is its own module's
(export/pdf/summary.py, export/rems_form.py); this module knows pages, not charts.

The document is laid out by hand, page by page, rather than by `QTextDocument.print`, so
that each page has its bands, and so that a heading is moved to the next page when what it
heads has no room below it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

#: Device pixels per inch of the layout: CSS pixels, so `px` in the markup means what it
#: says on screen (the PDF itself is vector; only a picture in it is not).
RESOLUTION = 96
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 13.0
#: The header and footer bands inside the margins, in device pixels.
BAND = 36
#: The room a long section needs on a page for its heading and its first lines; with less,
#: it starts on the next page.
KEEP_WITH_NEXT = 110
FONT_FAMILIES = ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans", "Noto Sans"]
BODY_POINTS = 8.5
#: The mark of a flagged value or a missing item: bold type and a shape, never colour alone.
FLAG = "▲"

STYLE = """
body { color: #000000; }
h1 { font-size: 14pt; font-weight: bold; margin: 2px 0 2px 0; }
h2 { font-size: 11pt; font-weight: bold; margin: 12px 0 4px 0; }
p { margin: 2px 0 2px 0; }
table.grid { border-collapse: collapse; border-color: #7f7f7f; border-style: solid; }
table.grid th { background-color: #d9d9d9; font-weight: bold; text-align: left;
                vertical-align: top; }
table.grid td { vertical-align: top; }
table.facts td { vertical-align: top; padding: 2px 6px 2px 0; }
td.key { color: #404040; }
.muted { color: #404040; }
.mono { font-family: "DejaVu Sans Mono", "Courier New", monospace; }
.flag { font-weight: bold; }
.box { background-color: #eeeeee; }
"""


@dataclass(frozen=True)
class Bands:
    """The words of every page's header (left, right in bold) and footer (the signature
    state, bold when not signed; below it, when and by whom the file was made); "Page n of
    N" is added on the right of the footer."""

    left: str
    right: str
    state: str
    state_bold: bool
    made: str


#: Fills the document (already set up: fonts, style, page size) given the page's width and
#: body height, in device pixels.
Filler = Callable[[QTextDocument, int, int], None]


def paged_pdf(title: str, page_size: str, bands: Bands, fill: Filler) -> bytes:
    """A PDF of a document laid out by hand, page by page, with `bands` on every page: the
    machinery every printable document shares (a QApplication is made if there is none)."""
    _application()
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)  # for the archive
    writer.setCreator("ketamonitor")
    writer.setTitle(title)
    writer.setPageLayout(QPageLayout(
        QPageSize(PAGE_SIZES[page_size]), QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
    width, height = writer.width(), writer.height()
    body_height = height - 2 * BAND
    document = _new_document(writer, width, body_height)
    fill(document, width, body_height)
    painter = QPainter(writer)
    try:
        pages = document.pageCount()
        for page in range(pages):
            if page:
                writer.newPage()
            _draw_page(painter, document, page, width, body_height)
            _draw_bands(painter, bands, page, pages, width, height)
    finally:
        painter.end()
        device.close()
    return bytes(buffer.data())


_app: QApplication | None = None


def _application() -> None:
    """Qt paints only with an application object; a command-line export has none yet, and
    may run where there is no screen at all (a scheduled job, a server): it paints
    offscreen, since a PDF needs no display."""
    global _app
    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QApplication([sys.argv[0] if sys.argv else "ketamonitor"])


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setFeature(QFont.Tag("liga"), 0)  # text copied from the PDF reads as typed
    return font


def _new_document(writer: QPdfWriter, width: int, body_height: int) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(_font(BODY_POINTS))
    document.setDefaultStyleSheet(STYLE)
    document.setDocumentMargin(0)
    document.setPageSize(QSizeF(width, body_height))
    return document


def set_html_keeping_headings(document: QTextDocument, html: str, body_height: int,
                              kept_whole: Collection[str] = ()) -> None:
    """Lay out `html`, then move each section heading (h2) left without room for what it
    heads to the top of the next page, one at a time. The sections headed by the words in
    `kept_whole` (a picture) are never split across pages."""
    document.setHtml(html)
    heights = section_heights(document)
    moved: set[int] = set()
    while (stranded := _stranded_heading(document, body_height, heights,
                                         kept_whole)) is not None:
        if stranded in moved:  # cannot happen: a moved heading heads a page
            break
        moved.add(stranded)
        document.setHtml(_with_page_breaks(html, moved))


def _with_page_breaks(html: str, moved: set[int]) -> str:
    """The markup with the section headings numbered in `moved` starting a new page."""
    first, *sections = html.split("<h2>")
    return first + "".join(
        ("<h2 style='page-break-before: always'>" if number in moved else "<h2>") + section
        for number, section in enumerate(sections))


def headings(document: QTextDocument) -> list[tuple[float, str]]:
    """Where each section heading is laid out (its top), and its words, in order."""
    return list(_headings_laid_out(document))


def _headings_laid_out(document: QTextDocument) -> Iterator[tuple[float, str]]:
    """`headings` one at a time: Qt lays a document out as far as is asked, so a caller
    that stops early has not paid for the rest (a long note after)."""
    layout = document.documentLayout()
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 2:
            yield layout.blockBoundingRect(block).top(), block.text()
        block = block.next()


def section_heights(document: QTextDocument,
                    found: list[tuple[float, str]] | None = None) -> list[float]:
    """How tall each section is (its heading to the next), laid out without page breaks
    of ours: a break moves a section, it leaves its height as it was."""
    tops = [top for top, _ in (found or headings(document))]
    ends = [*tops[1:], document.documentLayout().documentSize().height()]
    return [end - top for top, end in zip(tops, ends, strict=True)]


def _stranded_heading(document: QTextDocument, page_height: int, heights: list[float],
                      kept_whole: Collection[str]) -> int | None:
    """The number (among the section headings, in order) of the first heading left without
    room on its page for what it heads: a short section (up to a third of a page, and those
    in `kept_whole` always) is kept whole; a longer one needs its first lines. That heading is moved
    to the next page, and the document laid out again (each move shifts all after it)."""
    for count, ((top, text), section) in enumerate(zip(_headings_laid_out(document), heights,
                                                       strict=True)):
        whole = text in kept_whole or section <= page_height / 3
        needed = min(section, page_height) if whole else KEEP_WITH_NEXT
        room = page_height - (top % page_height)
        if top > 0 and room < needed:
            return count
    return None


def _draw_page(painter: QPainter, document: QTextDocument, page: int, width: int,
               body_height: int) -> None:
    painter.save()
    painter.translate(0, BAND - page * body_height)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = QRectF(0, page * body_height, width, body_height)
    painter.setClipRect(context.clip)
    document.documentLayout().draw(painter, context)
    painter.restore()


def _draw_bands(painter: QPainter, bands: Bands, page: int, pages: int, width: int,
                height: int) -> None:
    """The header and the footer of one page, with "Page n of N"."""
    painter.save()
    ink, rule = QPen(QColor("#000000")), QPen(QColor("#7f7f7f"), 0.8)
    line = 12
    header = QRectF(0, BAND - 8 - line, width, line)
    _text(painter, header, Qt.AlignmentFlag.AlignLeft, bands.left, ink)
    _text(painter, header, Qt.AlignmentFlag.AlignRight, bands.right, ink, bold=True)
    painter.setPen(rule)
    painter.drawLine(0, BAND - 5, width, BAND - 5)
    painter.drawLine(0, height - BAND + 5, width, height - BAND + 5)
    first = QRectF(0, height - BAND + 8, width, line)
    _text(painter, first, Qt.AlignmentFlag.AlignLeft, bands.state, ink, bold=bands.state_bold)
    _text(painter, first, Qt.AlignmentFlag.AlignRight, f"Page {page + 1} of {pages}", ink,
          bold=True)
    _text(painter, first.translated(0, line), Qt.AlignmentFlag.AlignLeft, bands.made,
          QPen(QColor("#404040")), points=6.5)
    painter.restore()


def _text(painter: QPainter, rect: QRectF, align: Qt.AlignmentFlag, text: str, pen: QPen,
          *, bold: bool = False, points: float = 7.5) -> None:
    painter.setPen(pen)
    painter.setFont(_font(points, bold))
    painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)


def esc(text: object) -> str:
    return escape(str(text)) if text is not None else ""


#: The most characters of typed text laid out as one paragraph. Qt draws a page by walking
#: every line of each paragraph that reaches it: a 1 MB note in one paragraph would be
#: walked whole for each of its hundreds of pages (the export took minutes). In pieces of
#: this size, a page skips the pieces off it at once, and the export is linear in the text.
PIECE_CHARACTERS = 1000


def typed_text(text: str | None) -> str:
    """Free text as typed (a note, an addendum) as markup: each of its lines a paragraph of
    its own, so the line breaks typed are kept; a long line cut, at a space where there is
    one, into paragraphs of at most `PIECE_CHARACTERS` (see there why)."""
    if not text:
        return ""
    pieces = [piece for line in text.splitlines() for piece in _pieces(line)]
    return "".join(f"<p style='margin: 0'>{escape(piece) or '&nbsp;'}</p>" for piece in pieces)


#: The most characters of typed text a table's cell holds: a longer text is begun in the
#: cell and printed whole below the table (`typed_text`), where a page skips what is off it.
CELL_CHARACTERS = 600


def cell_text(text: str | None) -> str:
    """Free text as a table's cell shows it: its line breaks kept; a text longer than
    `CELL_CHARACTERS` begun, with where to read the rest."""
    if not text:
        return ""
    if len(text) <= CELL_CHARACTERS:
        return "<br>".join(escape(line) for line in text.splitlines())
    begun = text[:text.rfind(" ", 0, CELL_CHARACTERS // 2) + 1 or CELL_CHARACTERS // 2]
    return (f"{escape(' '.join(begun.split()))}… <b>(in full below the table: "
            f"{len(text):,} characters)</b>")


def _pieces(line: str) -> list[str]:
    """`line` in pieces of at most `PIECE_CHARACTERS`, each cut after a space if one is in
    its second half (a word is cut only when it is that long)."""
    pieces = []
    while len(line) > PIECE_CHARACTERS:
        cut = line.rfind(" ", PIECE_CHARACTERS // 2, PIECE_CHARACTERS) + 1 or PIECE_CHARACTERS
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line]


def grid(headers: Sequence[str], rows: Iterable[Sequence[str]],
          widths: Sequence[int] | None = None, struck: Sequence[bool] = ()) -> str:
    """A table of `rows` (cells already as markup) under `headers`, repeated on each page
    it runs over; `struck` rows (entered in error) are drawn struck through."""
    def width_of(column: int) -> str:
        return f" width='{widths[column]}%'" if widths else ""

    head = "".join(f"<th{width_of(i)}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for index, row in enumerate(rows):
        strike = index < len(struck) and struck[index]
        # an empty last cell would let Qt pull the next heading up against the table
        cells = "".join(f"<td>{f'<s>{cell}</s>' if strike and cell else cell or '&nbsp;'}"
                        "</td>" for cell in row)
        body.append(f"<tr>{cells}</tr>")
    return (f"<table class='grid' width='100%' border='1' cellspacing='0' cellpadding='3'>"
            f"<thead><tr>{head}</tr></thead>{''.join(body)}</table>")


def muted(text: str) -> str:
    """A line in muted type (what a section says when it has nothing to list)."""
    return f"<p class='muted'>{esc(text)}</p>"
