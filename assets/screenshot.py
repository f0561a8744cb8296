#!/usr/bin/env python3
"""Render a colour tmux capture (`tmux capture-pane -e -p`) to a PNG.

    tmux capture-pane -e -p -t hd > /tmp/cap.txt
    python3 assets/screenshot.py /tmp/cap.txt assets/screenshot.png

Needs Pillow and DejaVu Sans Mono (Debian: fonts-dejavu-core).
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
BG = (24, 25, 33)
FG = (214, 216, 222)
# A palette close to common dark terminal themes, for the 16 ANSI colours.
ANSI = [
    (40, 42, 54), (255, 85, 85), (80, 250, 123), (241, 250, 140),
    (98, 114, 164), (255, 121, 198), (139, 233, 253), (214, 216, 222),
    (98, 102, 122), (255, 110, 110), (105, 255, 148), (255, 255, 165),
    (125, 140, 190), (255, 146, 223), (164, 255, 255), (255, 255, 255),
]


def xterm256(n):
    if n < 16:
        return ANSI[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def cells(text):
    """Yield rows of (char, fg, bg, bold)."""
    for line in text.split("\n"):
        fg, bg, bold, rev = None, None, False, False
        row = []
        for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
            if tok.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in tok[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        fg, bg, bold, rev = None, None, False, False
                    elif c == 1:
                        bold = True
                    elif c == 22:
                        bold = False
                    elif c == 7:
                        rev = True
                    elif c == 27:
                        rev = False
                    elif 30 <= c <= 37:
                        fg = ANSI[c - 30]
                    elif 90 <= c <= 97:
                        fg = ANSI[c - 90 + 8]
                    elif 40 <= c <= 47:
                        bg = ANSI[c - 40]
                    elif 100 <= c <= 107:
                        bg = ANSI[c - 100 + 8]
                    elif c == 39:
                        fg = None
                    elif c == 49:
                        bg = None
                    elif c in (38, 48) and i + 1 < len(codes):
                        if codes[i + 1] == 5:
                            col = xterm256(codes[i + 2])
                            i += 2
                        else:
                            col = tuple(codes[i + 2:i + 5])
                            i += 4
                        if c == 38:
                            fg = col
                        else:
                            bg = col
                    i += 1
            else:
                for ch in tok:
                    f, b = (bg or BG, fg or FG) if rev else (fg or FG, bg)
                    row.append((ch, f, b, bold))
        yield row


def main(src, dst):
    rows = list(cells(open(src, encoding="utf-8").read().rstrip("\n")))
    font, bold = ImageFont.truetype(FONT, SIZE), ImageFont.truetype(BOLD, SIZE)
    left, top, right, bottom = font.getbbox("M")
    cw, ch = int(font.getlength("M")), int(SIZE * 1.25)
    width = max(len(r) for r in rows)
    img = Image.new("RGB", (width * cw + 16, len(rows) * ch + 16), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(rows):
        for x, (c, f, b, bd) in enumerate(row):
            px, py = 8 + x * cw, 8 + y * ch
            if b:
                draw.rectangle([px, py, px + cw, py + ch], fill=b)
            if c in "█▀▄▁▂▃▄▅▆▇":
                # Draw block elements as rectangles so they tile without gaps.
                frac = {"█": (0, 1), "▀": (0, 0.5), "▄": (0.5, 1)}.get(c)
                if frac is None:
                    h = ("▁▂▃▄▅▆▇".index(c) + 1) / 8
                    frac = (1 - h, 1)
                draw.rectangle([px, py + ch * frac[0], px + cw - 1, py + ch * frac[1] - 1], fill=f)
            elif c != " ":
                draw.text((px, py + 1), c, font=bold if bd else font, fill=f)
    img.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
