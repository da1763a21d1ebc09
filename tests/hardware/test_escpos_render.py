"""The ESC/POS decoder and receipt renderer, on hand-made bytes and on real tickets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from hardware.escpos_render import TextLine, decode, decode_qr, render_png
from hardware.printer import PrintableTicket, build_ticket_bytes

ESC, GS = b"\x1b", b"\x1d"


def test_text_lines_and_styles() -> None:
    data = (ESC + b"@" + ESC + b"a\x01" + ESC + b"E\x01" + b"Pos\n" + ESC + b"E\x00"
            + GS + b"!\x33" + b"A012\n" + GS + b"!\x00" + ESC + b"!\x30" + b"big\n"
            + ESC + b"!\x00" + ESC + b"a\x00" + b"a\tb\r\n" + ESC + b"d\x03" + GS + b"VB\x00")
    doc = decode(data)
    assert doc.lines == ["Pos", "A012", "big", "a       b", "", "", ""]
    blocks = [b for b in doc.blocks if isinstance(b, TextLine)]
    assert blocks[0].bold and blocks[0].align == "center"
    assert (blocks[1].width, blocks[1].height) == (4, 4)
    assert (blocks[2].width, blocks[2].height) == (2, 2)
    assert blocks[3].align == "left"
    assert doc.cut and not doc.unknown


def test_every_common_command_is_stripped_from_the_text() -> None:
    data = (ESC + b"t\x10" + b"caf\xe9 " + ESC + b"2" + ESC + b"3\x18" + GS + b"L\x00\x00"
            + GS + b"W\x40\x02" + ESC + b"-\x01" + ESC + b"M\x01" + GS + b"B\x01" + b"x"
            + b"\x10\x04\x01" + ESC + b"p\x00\x19\xfa" + ESC + b"D\x08\x10\x00" + b"\n"
            + GS + b"(k\x03\x001E1" + GS + b"(k\x07\x001P0abcd" + GS + b"V\x00")
    doc = decode(data)
    assert doc.lines == ["caf\u00e9 x"]
    assert doc.native_qr == [b"abcd"]
    assert doc.cut and not doc.unknown


def test_raster_and_column_images_decode_to_pixels() -> None:
    raster = GS + b"v0\x00\x01\x00\x02\x00" + bytes([0b10000001, 0xFF])
    # One ESC * 8-dot band, 2 columns: top dot of column 0, bottom dot of column 1.
    column = ESC + b"*\x00\x02\x00" + bytes([0x80, 0x01]) + b"\n" + b"after\n"
    doc = decode(raster + column)
    small, band = doc.images
    assert small.size == (8, 2)
    assert [small.getpixel((x, 0)) for x in range(8)] == [0, 255, 255, 255, 255, 255, 255, 0]
    assert all(small.getpixel((x, 1)) == 0 for x in range(8))
    assert band.size == (2, 8)
    assert band.getpixel((0, 0)) == 0 and band.getpixel((1, 7)) == 0
    assert band.getpixel((1, 0)) == 255
    assert doc.lines == ["after"]  # the LF that ends a band is not a text line


def test_truncated_data_does_not_crash() -> None:
    full = build_ticket_bytes(_ticket(), 58)
    for cut_at in (1, 2, 200, len(full) // 2, len(full) - 1):
        decode(full[:cut_at])


def _ticket() -> PrintableTicket:
    return PrintableTicket(
        ticket_id="0b8a7f9e-5d1c-4c2b-9a8e-7f6d5c4b3a21", number="B104",
        service_name="Bantuan Sosial", post_name="Posko Desa Mekarsari",
        issued_at=datetime(2026, 11, 22, 13, 5, tzinfo=ZoneInfo("Asia/Makassar")),
        people_ahead=12, estimated_wait_s=2400, priority_label="Disabilitas",
    )


def test_render_png_draws_a_readable_receipt(tmp_path: Path) -> None:
    for paper_mm, dots in ((58, 384), (80, 576)):
        data = build_ticket_bytes(_ticket(), paper_mm)
        out = render_png(data, tmp_path / f"t{paper_mm}.png", dots)
        with Image.open(out) as img:
            assert img.format == "PNG"
            assert img.width == dots + 48  # the paper plus a margin each side
            assert 700 < img.height < 1400
            # The rendered picture still carries a scannable QR code.
            assert decode_qr(img) == ["0b8a7f9e-5d1c-4c2b-9a8e-7f6d5c4b3a21"]


def test_decode_qr_on_an_image_without_code() -> None:
    assert decode_qr(Image.new("1", (40, 40), 255)) == []
