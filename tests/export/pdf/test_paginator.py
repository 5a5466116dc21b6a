"""The paginator every PDF shares, through its public functions: bands with "Page n of N"
on every page, and a heading moved to the next page rather than left alone at its foot."""

from __future__ import annotations

import io

import pypdf

from ketamonitor.export.pdf.paginator import (
    CELL_CHARACTERS,
    PIECE_CHARACTERS,
    Bands,
    cell_text,
    esc,
    grid,
    headings,
    paged_pdf,
    set_html_keeping_headings,
    typed_text,
)

BANDS = Bands(left="Clinic", right="Patient", state="NOT SIGNED", state_bold=True,
              made="Made now")


def pages_of(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_every_page_has_its_bands_and_number(qapp):
    rows = [[str(n), esc(f"row <{n}>")] for n in range(120)]
    html = f"<h2>Rows</h2>{grid(['N', 'Text'], rows)}"
    pages = pages_of(paged_pdf("A table", "A4", BANDS,
                               lambda doc, _w, body: set_html_keeping_headings(doc, html, body)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Clinic" in page and "Patient" in page and "NOT SIGNED" in page
    assert "row <119>" in pages[-1]


def heading_tops(kept_whole: tuple[str, ...]) -> tuple[dict[str, float], list[str]]:
    """A long first section, then a section taller than a third of a page: where each
    heading falls on its page, and the pages' text."""
    filler = "".join(f"<p>line {n}</p>" for n in range(40))
    picture = "".join(f"<p>part {n}</p>" for n in range(30))
    html = f"<h2>First</h2>{filler}<h2>Picture</h2>{picture}"
    found: dict[str, float] = {}

    def fill(document, _width, body_height):
        set_html_keeping_headings(document, html, body_height, kept_whole)
        found.update({text: top % body_height for top, text in headings(document)})

    return found, pages_of(paged_pdf("Kept whole", "A4", BANDS, fill))


def test_a_long_section_may_run_over_a_page_but_one_kept_whole_starts_its_own(qapp):
    split, pages = heading_tops(())
    assert split["Picture"] > 100 and len(pages) == 2
    assert "part 0" in pages[0] and "part 29" in pages[1]

    kept, pages = heading_tops(("Picture",))
    assert kept["Picture"] < 20  # at the top of a page (below the heading's margin)
    assert "part 0" in pages[1] and "part 29" in pages[1]


def test_typed_text_keeps_its_lines_and_cuts_a_long_one_at_spaces():
    assert typed_text(None) == ""
    assert typed_text("a <b>\nc") == ("<p style='margin: 0'>a &lt;b&gt;</p>"
                                      "<p style='margin: 0'>c</p>")
    line = " ".join(["word"] * 1000)  # 4,999 characters
    pieces = typed_text(line).split("</p>")[:-1]
    assert all(len(piece) <= PIECE_CHARACTERS + 30 for piece in pieces)
    assert "".join(piece.split(">", 1)[1] for piece in pieces) == line
    unbroken = "x" * (PIECE_CHARACTERS * 2 + 1)  # no space: cut where it must be
    assert len(typed_text(unbroken).split("</p>")) == 4


def test_a_cell_keeps_short_text_and_begins_a_long_one():
    assert cell_text("one\ntwo & three") == "one<br>two &amp; three"
    long = " ".join(["word"] * 200)
    begun = cell_text(long)
    assert begun.startswith("word word") and len(begun) < CELL_CHARACTERS
    assert begun.endswith("(in full below the table: 999 characters)</b>")
