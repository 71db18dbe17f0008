"""``final.pdf``: the page images with an invisible layer of the reviewed words (pikepdf).

Each page is its image, full size, at its resolution, and over it each box of
:func:`~ocrfix.scanout.words.final_words` shows its final text in text render mode 3
(invisible), as OCRmyPDF and Tesseract do: the font size is the height of the word's OCR
line, the baseline that line's bottom, and each word is scaled horizontally (``Tz``) to fill
its box; a word followed by another on its line ends with a space and reaches to that word
(see :func:`shown`), so that selecting and copying gives words with spaces between.

The font is a "glyph-less" one, like Tesseract's: a Type 0 font whose codes are the
characters' UTF-16 code units (``Identity-H``), every glyph 500/1000 em wide, a ``ToUnicode``
map that reads each code as itself. Any character can be searched and copied; none is ever
drawn, so no font program is embedded (a character beyond U+FFFF is written as U+FFFD).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence

import pikepdf
from PIL import Image

from ocrfix.scanout.pages import ScanPage
from ocrfix.scanout.words import Box, FinalWord, LineKey

GLYPH_WIDTH = 500  # every glyph of the font, in 1/1000 em
FONT = "/F0"
IMAGE = "/Im0"
GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "F"})  # Pillow's modes of grey images
TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def encode(text: str) -> bytes:
    """The codes of ``text`` in the font, as a PDF hex string.

    >>> encode("Aé ſ")
    b'<004100E90020017F>'
    >>> encode("\\U0001F600")
    b'<FFFD>'
    """
    units = (ord(ch) if ord(ch) <= 0xFFFF else 0xFFFD for ch in text)
    return b"<" + "".join(f"{u:04X}" for u in units).encode("ascii") + b">"


def num(value: float) -> str:
    """A number for a content stream: at most 3 decimals, no trailing zeros.

    >>> num(12.0), num(0.123456), num(-0.0)
    ('12', '0.123', '0')
    """
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def scale(width: float, chars: int, size: float) -> float:
    """The horizontal scaling (percent) that makes ``chars`` glyphs ``width`` points wide.

    >>> scale(30.0, 6, 10.0)
    100.0
    """
    natural = chars * GLYPH_WIDTH / 1000 * size
    return 100.0 * width / natural if natural > 0 else 100.0


def shown(fw: FinalWord, after: FinalWord | None) -> tuple[str, int]:
    """What a word shows and over how many pixels: a word followed by another on its line
    shows a space after it and reaches to that word (as Tesseract's PDFs do: the space's
    width, never nothing, is what extractors split words by); a line's last, its box.

    >>> from ocrfix.scanout.words import Word
    >>> a, b = (FinalWord(Word(1, 1, 1, 1, (x, 0, 40, 20), 90, 0, 1), t, t)
    ...         for x, t in ((10, "to"), (60, "be")))
    >>> shown(a, b), shown(b, None)
    (('to ', 50), ('be', 40))
    """
    left, _top, width, _height = fw.word.box
    if after is None or after.word.line_key != fw.word.line_key:
        return fw.text, width
    reach = after.word.box[0] - left  # less than its width when the boxes overlap
    return fw.text + " ", reach if reach > 0 else width


def page_text(
    page: ScanPage, words: Sequence[FinalWord], lines: Mapping[LineKey, Box]
) -> list[str]:
    """The content stream operators that put ``words`` invisibly on ``page``: each at its
    box's left, on its line's baseline, as high as its line, scaled to its width."""
    k = 72 / page.dpi
    height = page.height * k
    ops = ["BT", "3 Tr"]
    for i, fw in enumerate(words):
        text, width = shown(fw, words[i + 1] if i + 1 < len(words) else None)
        _l, line_top, _w, line_height = lines.get(fw.word.line_key, fw.word.box)
        size = max(line_height * k, 1.0)
        baseline = height - (line_top + line_height) * k
        ops += [f"{FONT} {num(size)} Tf", f"{num(scale(width * k, len(text), size))} Tz"]
        ops += [
            f"1 0 0 1 {num(fw.word.box[0] * k)} {num(baseline)} Tm",
            encode(text).decode() + " Tj",
        ]
    ops.append("ET")
    return ops


def glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The invisible font (see the module), made once per file."""
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name.GlyphLessFont,
        Flags=5,
        FontBBox=[0, 0, GLYPH_WIDTH, 1000],
        ItalicAngle=0,
        Ascent=1000,
        Descent=0,
        CapHeight=1000,
        StemV=80,
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=GLYPH_WIDTH,
        CIDToGIDMap=pikepdf.Name.Identity,
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name.GlyphLessFont,
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pdf.make_stream(TO_UNICODE),
    )
    return pdf.make_indirect(font)


def image_xobject(pdf: pikepdf.Pdf, page: ScanPage) -> pikepdf.Object:
    """The page image as an image XObject: 8-bit grey (or RGB), Flate-compressed."""
    with Image.open(page.path) as image:
        mode = "L" if image.mode in GREY_MODES else "RGB"
        pixels = image.convert(mode)
        data, size = pixels.tobytes(), pixels.size
    stream = pikepdf.Stream(pdf, zlib.compress(data, 6))
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = size
    stream.ColorSpace = pikepdf.Name.DeviceRGB if mode == "RGB" else pikepdf.Name.DeviceGray
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def pdf_bytes(
    pages: Sequence[tuple[ScanPage, Sequence[FinalWord]]], lines: Mapping[LineKey, Box]
) -> bytes:
    """The PDF of the pages, each with its words (byte-identical for the same input)."""
    pdf = pikepdf.new()
    font = glyphless_font(pdf) if pages else None
    for page, words in pages:
        width, height = page.points
        image = image_xobject(pdf, page)
        ops = ["q", f"{num(width)} 0 0 {num(height)} 0 0 cm", f"{IMAGE} Do", "Q"]
        ops += page_text(page, words, lines) if words else []
        content = pdf.make_stream(("\n".join(ops) + "\n").encode("ascii"))
        resources = pikepdf.Dictionary(
            XObject=pikepdf.Dictionary({IMAGE: image}),
            Font=pikepdf.Dictionary({FONT: font}),
        )
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=[0, 0, float(num(width)), float(num(height))],
                    Resources=resources,
                    Contents=content,
                )
            )
        )
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True)
    return buffer.getvalue()
