"""Read ESC/POS bytes back: the printed text lines, raster images, and a PNG of the receipt.

Used by tests (assert what a resident would read, decode the QR with zbarimg) and by the fake
printer (each ticket saved as a picture for demos). Covers the commands python-escpos emits
plus the common ones around them; an unknown command is skipped by its two-byte prefix.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
_CODEPAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252",
              17: "cp866", 18: "cp852", 19: "cp858"}
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# ESC commands by total length (prefix included); the rest are special-cased below.
_ESC_LEN = {**dict.fromkeys(b"@2<LS", 2), **dict.fromkeys(b"aE!-MtdJeGV{rR3=U T", 3),
            **dict.fromkeys(b"$\\c", 4), ord("p"): 5, ord("W"): 10}
_GS_LEN = {**dict.fromkeys(b"!BbhwHfaIr|^", 3), **dict.fromkeys(b"LW$\\P", 4)}
_FS_LEN = {**dict.fromkeys(b"&.", 2), **dict.fromkeys(b"C!-W", 3), **dict.fromkeys(b"pS", 4)}


@dataclass
class TextLine:
    """One printed line: its text and the style it was printed in (size is the magnification)."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str = "left"
    invert: bool = False


@dataclass
class Decoded:
    """What a printer would put on paper. ``blocks`` keeps lines and images in paper order."""

    lines: list[str] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cut: bool = False
    blocks: list[TextLine | Image.Image] = field(default_factory=list)
    native_qr: list[bytes] = field(default_factory=list)  # GS ( k payloads, not rendered
    unknown: list[bytes] = field(default_factory=list)  # command prefixes we skipped

    @property
    def text(self) -> str:
        """All lines joined by newlines."""
        return "\n".join(self.lines)


def _raster(width_dots: int, height: int, data: bytes) -> Image.Image:
    # ESC/POS: bit 1 = a black dot, rows padded to whole bytes. PIL's "1;I" reads exactly that.
    stride = (width_dots + 7) // 8
    raw = bytes(data[: stride * height]).ljust(stride * height, b"\0")  # truncated: blank rows
    img = Image.frombytes("1", (stride * 8, height), raw, "raw", "1;I")
    return img.crop((0, 0, width_dots, height)) if width_dots != stride * 8 else img


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.d, self.i, self.out = data, 0, Decoded()
        self.buf = bytearray()
        self.bands: list[Image.Image] = []  # ESC * column-image bands awaiting assembly
        self._reset()

    def _reset(self) -> None:
        self.align, self.bold, self.invert, self.w, self.h, self.cp = "left", False, False, 1, 1, 0
        self.line_w = self.line_h = 1
        self.line_align: str | None = None

    def byte(self, k: int) -> int:
        return self.d[self.i + k] if self.i + k < len(self.d) else 0

    def newline(self, count: int = 1) -> None:
        for _ in range(count):
            text = self.buf.decode(_CODEPAGES.get(self.cp, "cp437"), errors="replace")
            line = TextLine(text, max(self.line_w, self.w), max(self.line_h, self.h), self.bold,
                            self.line_align or self.align, self.invert)
            self.out.lines.append(text)
            self.out.blocks.append(line)
            self.buf.clear()
            self.line_w = self.line_h = 1
            self.line_align = None

    def image(self, img: Image.Image) -> None:
        img.info["align"] = self.align  # for rendering; escpos itself centres by padding
        self.out.images.append(img)
        self.out.blocks.append(img)

    def flush_bands(self) -> None:
        if self.bands:
            width = max(b.width for b in self.bands)
            img = Image.new("1", (width, sum(b.height for b in self.bands)), 255)
            y = 0
            for band in self.bands:
                img.paste(band, (0, y))
                y += band.height
            self.bands = []
            self.image(img)

    def run(self) -> Decoded:
        while self.i < len(self.d):
            c = self.d[self.i]
            in_band = c == 0x0A or (c == ESC and self.byte(1) in b"*23")
            if self.bands and not in_band:
                self.flush_bands()
            if c == ESC:
                self.esc()
            elif c == GS:
                self.gs()
            elif c == DLE:
                # DLE EOT / ENQ n are 3 bytes; DLE DC4 fn m t is 5.
                self.i += 5 if self.byte(1) == 0x14 else 3
            elif c == FS:
                self.i += _FS_LEN.get(self.byte(1), 2)
            else:
                self.char(c)
                self.i += 1
        self.flush_bands()
        if self.buf:
            self.newline()  # text never terminated by LF still sits in the printer's buffer
        return self.out

    def char(self, c: int) -> None:
        if c == 0x0A:
            if self.bands and not self.buf:
                return  # the LF that ends an ESC * band is not a text line
            self.newline()
        elif c == 0x0C:
            self.newline()
        elif c == 0x09:
            self.buf.extend(b" " * (8 - len(self.buf) % 8))
        elif c >= 0x20 and c != 0x7F:
            if not self.buf:
                self.line_align = self.align  # ESC a counts at the start of a line only
            self.buf.append(c)
            self.line_w, self.line_h = max(self.line_w, self.w), max(self.line_h, self.h)

    def esc(self) -> None:
        cmd, n = self.byte(1), self.byte(2)
        if cmd == ord("@"):
            self._reset()
        elif cmd == ord("a"):
            self.align = _ALIGN.get(n, "left")
        elif cmd == ord("E"):
            self.bold = bool(n & 1)
        elif cmd == ord("!"):
            self.bold, self.w, self.h = bool(n & 0x08), 2 if n & 0x20 else 1, 2 if n & 0x10 else 1
        elif cmd == ord("t"):
            self.cp = n
        elif cmd == ord("d"):
            self.newline(max(n, 1) if self.buf else n)
        elif cmd == ord("*"):
            dots = self.byte(3) + 256 * self.byte(4)
            tall = 3 if n in (32, 33) else 1  # 24-dot bands send 3 bytes per column
            data = self.d[self.i + 5 : self.i + 5 + dots * tall]
            band = Image.new("1", (dots, 8 * tall), 255)
            for x in range(min(dots, len(data) // tall)):
                for k in range(tall):
                    col = data[x * tall + k]
                    for bit in range(8):
                        if col & (0x80 >> bit):
                            band.putpixel((x, k * 8 + bit), 0)
            self.bands.append(band)
            self.i += 5 + dots * tall
            return
        elif cmd == ord("D"):  # tab stops, NUL-terminated
            end = self.d.find(b"\x00", self.i + 2)
            self.i = len(self.d) if end < 0 else end + 1
            return
        elif cmd not in _ESC_LEN:
            self.out.unknown.append(bytes(self.d[self.i : self.i + 2]))
        self.i += _ESC_LEN.get(cmd, 2)

    def gs(self) -> None:
        cmd, n = self.byte(1), self.byte(2)
        if cmd == ord("!"):
            self.w, self.h = (n >> 4 & 7) + 1, (n & 7) + 1
        elif cmd == ord("B"):
            self.invert = bool(n & 1)
        elif cmd == ord("V"):
            if self.buf:
                self.newline()
            self.out.cut = True
            self.i += 4 if n in (65, 66, 97, 98, 103, 104) else 3
            return
        elif cmd == ord("v") and n == ord("0"):
            xb, y = self.byte(4) + 256 * self.byte(5), self.byte(6) + 256 * self.byte(7)
            start = self.i + 8
            self.image(_raster(xb * 8, y, self.d[start : start + xb * y]))
            self.i = start + xb * y
            return
        elif cmd == ord("("):
            size = self.byte(3) + 256 * self.byte(4)
            body = self.d[self.i + 5 : self.i + 5 + size]
            self._gs_paren(n, bytes(body))
            self.i += 5 + size
            return
        elif cmd == ord("8") and n == ord("L"):
            size = int.from_bytes(self.d[self.i + 3 : self.i + 7], "little")
            self.i += 7 + size
            return
        elif cmd == ord("k"):  # barcode: NUL-terminated (m <= 6) or counted (m >= 65)
            if n <= 6:
                end = self.d.find(b"\x00", self.i + 3)
                self.i = len(self.d) if end < 0 else end + 1
            else:
                self.i += 4 + self.byte(3)
            return
        elif cmd not in _GS_LEN:
            self.out.unknown.append(bytes(self.d[self.i : self.i + 2]))
        self.i += _GS_LEN.get(cmd, 2)

    def _gs_paren(self, fn_group: int, body: bytes) -> None:
        if fn_group == ord("k") and body[:2] == b"1P":  # QR: store symbol data
            self.out.native_qr.append(body[3:])
        elif fn_group == ord("L") and len(body) >= 10 and body[1] == 112:  # graphics raster
            x, y = body[6] + 256 * body[7], body[8] + 256 * body[9]
            self.image(_raster(x, y, body[10:]))


def decode(data: bytes) -> Decoded:
    """Decode ESC/POS bytes into text lines (one per LF), 1-bit raster images and the cut."""
    return _Decoder(bytes(data)).run()


# ---------------------------------------------------------------- rendering

_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
_CELL_W, _CELL_H, _LINE_PITCH = 12, 24, 30  # font A cell and default line spacing, in dots


def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Monospace first: a printer's font A is fixed-pitch, 12 dots wide = DejaVu Sans Mono at 20.
    names = ["DejaVuSansMono-Bold.ttf", "DejaVuSans-Bold.ttf"] if bold else []
    for name in [*names, "DejaVuSansMono.ttf", "DejaVuSans.ttf"]:
        path = os.path.join(_FONT_DIR, name)
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _render_line(line: TextLine, paper_dots: int) -> list[Image.Image]:
    """Draw one printed line as image rows, wrapping where the printer would wrap."""
    cols = max(1, paper_dots // (_CELL_W * line.width))
    chunks = [line.text[k : k + cols] for k in range(0, len(line.text), cols)] or [""]
    pitch = max(_LINE_PITCH, _CELL_H * line.height)
    rows = []
    for chunk in chunks:
        row = Image.new("L", (paper_dots, pitch), 255)
        if chunk.strip():
            font = _font(20 * line.height, line.bold)
            size = (_CELL_W * line.height * len(chunk), _CELL_H * line.height)
            glyphs = Image.new("L", size, 255)
            ImageDraw.Draw(glyphs).text((0, 0), chunk, font=font, fill=0)
            # Width and height multiply independently on a printer; draw square, then stretch.
            glyphs = glyphs.resize((_CELL_W * line.width * len(chunk), glyphs.height))
            if line.invert:
                glyphs = Image.eval(glyphs, lambda v: 255 - v)
            x = {"left": 0, "center": (paper_dots - glyphs.width) // 2,
                 "right": paper_dots - glyphs.width}[line.align]
            row.paste(glyphs, (max(0, x), pitch - glyphs.height))
        rows.append(row)
    return rows


def render_png(data: bytes, path: str | os.PathLike[str], paper_dots: int = 576) -> Path:
    """Draw the ticket as a receipt PNG, one pixel per printer dot; returns the path."""
    doc = decode(data)
    rows: list[Image.Image] = []
    for block in doc.blocks:
        if isinstance(block, TextLine):
            rows.extend(_render_line(block, paper_dots))
        else:
            align = block.info.get("align", "left")
            img = block.convert("L").crop((0, 0, min(block.width, paper_dots), block.height))
            row = Image.new("L", (paper_dots, img.height), 255)
            offsets = {"center": (paper_dots - img.width) // 2, "right": paper_dots - img.width}
            row.paste(img, (offsets.get(align, 0), 0))
            rows.append(row)
    margin = 24
    height = sum(r.height for r in rows) + 2 * margin
    page = Image.new("L", (paper_dots + 2 * margin, height), 255)
    y = margin
    for row in rows:
        page.paste(row, (margin, y))
        y += row.height
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, page.width - 1, page.height - 1), outline=180)
    if doc.cut:  # a dashed line where the cutter cuts
        for x in range(0, page.width, 16):
            draw.line((x, height - 4, x + 8, height - 4), fill=120, width=2)
    out = Path(path)
    page.save(out, "PNG")
    return out


def decode_qr(image: Image.Image) -> list[str]:
    """Read QR codes in ``image`` with ``zbarimg``; returns the decoded strings."""
    img = image.convert("L")
    big = img.resize((img.width * 4, img.height * 4), Image.Resampling.NEAREST)
    quiet = 64  # scanners want a white margin of at least four modules
    canvas = Image.new("L", (big.width + 2 * quiet, big.height + 2 * quiet), 255)
    canvas.paste(big, (quiet, quiet))
    with tempfile.TemporaryDirectory(prefix="antrean-qr-") as tmp:
        png = os.path.join(tmp, "qr.png")
        canvas.save(png)
        try:
            proc = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True, timeout=20)
        except FileNotFoundError as exc:
            raise RuntimeError("zbarimg not found: install the zbar-tools package") from exc
    # zbarimg exits 4 when it found no symbol; that is an empty answer, not an error.
    if proc.returncode not in (0, 4):
        err = proc.stderr.decode(errors="replace")
        raise RuntimeError(f"zbarimg failed ({proc.returncode}): {err}")
    return [line for line in proc.stdout.decode("utf-8", errors="replace").splitlines() if line]
