#!/usr/bin/env python3
"""Converts an X window dump (XWD, as Xvfb -fbdir keeps its screen) of a 24-bit TrueColor screen
into a PNG, with the standard library only (no ImageMagick or Pillow on the machine).

    xwd_to_png.py SCREEN.xwd OUT.png [WIDTH HEIGHT]   (crops to the top-left WIDTH x HEIGHT)
"""
import struct
import sys
import zlib


def read_xwd(path):
    data = open(path, "rb").read()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height = fields[0], fields[4], fields[5]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    masks, ncolors = fields[14:17], fields[19]
    if bits_per_pixel != 32:
        sys.exit(f"{path}: {bits_per_pixel} bits a pixel; run Xvfb with -screen 0 WxHx24")
    start = header_size + 12 * ncolors  # the header, the window name, then the colour map
    order = "<" if byte_order == 0 else ">"
    shifts = [(m & -m).bit_length() - 1 for m in masks]
    rows = []
    for y in range(height):
        line = data[start + y * bytes_per_line:start + y * bytes_per_line + 4 * width]
        pixels = struct.unpack(f"{order}{width}I", line)
        rows.append(bytes(b for p in pixels for b in ((p >> shifts[0]) & 255, (p >> shifts[1]) & 255,
                                                     (p >> shifts[2]) & 255)))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + row[:3 * width] for row in rows[:height])
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        out.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        out.write(chunk(b"IEND", b""))


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    width, height, rows = read_xwd(sys.argv[1])
    if len(sys.argv) == 5:
        width, height = min(width, int(sys.argv[3])), min(height, int(sys.argv[4]))
    write_png(sys.argv[2], width, height, rows)


if __name__ == "__main__":
    main()
