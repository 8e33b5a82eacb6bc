"""Checks the HTML report as Chromium rendered it (.ci/integration).

Usage: check_html_report.py REPORT.json SCREENSHOT.png DOM.html DOM-FILTERED.html CODE

- The DOM after the page's script ran: `<body data-ready="1">`, every finding a table row, and
  with `#code=CODE` in the address, exactly the JSON's CODE findings shown and the others hidden,
  with the count in `#shown`.
- The screenshot: both summary charts (findings by family, left; by namespace, right) are drawn,
  found by the bar colours, with each severity the report has in both.
"""
import json
import re
import struct
import sys
import zlib

COLOURS = {"error": (0xCF, 0x22, 0x2E), "warning": (0xBF, 0x87, 0x00), "info": (0x09, 0x69, 0xDA)}


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def main():
    report_path, png_path, dom_path, filtered_path, code = sys.argv[1:6]
    report = json.load(open(report_path))
    findings = report["findings"]
    total = len(findings)
    wanted = sum(1 for f in findings if f["code"] == code)
    assert total > 0 and wanted > 0, (total, wanted)

    dom = open(dom_path, encoding="utf-8").read()
    assert re.search(r'<body[^>]*data-ready="1"', dom), "the page's script did not run"
    rows = re.findall(r'<tr data-code="([A-Z]+[0-9]+)"( hidden="")?', dom)
    assert len(rows) == total, f"{len(rows)} rows for {total} findings"
    assert f"Showing {total} of {total} findings" in dom, "#shown without a filter"

    filtered = open(filtered_path, encoding="utf-8").read()
    rows = re.findall(r'<tr data-code="([A-Z]+[0-9]+)"( hidden="")?', filtered)
    shown = [c for c, hidden in rows if not hidden]
    assert len(rows) == total and shown == [code] * wanted, (len(rows), len(shown), wanted)
    expected = f"Showing {wanted} of {total} findings (rule {code})"
    assert expected in filtered, f"#shown does not say {expected!r}"

    width, height, pixels = read_png(png_path)
    severities = {f["severity"] for f in findings}

    def count(colour, x0, x1):
        r0, g0, b0 = colour
        return sum(
            1
            for row in pixels
            for (r, g, b) in row[x0:x1]
            if abs(r - r0) <= 3 and abs(g - g0) <= 3 and abs(b - b0) <= 3
        )

    for half, (x0, x1) in (("family (left)", (0, width // 2)), ("namespace (right)", (width // 2, width))):
        for severity in sorted(severities):
            n = count(COLOURS[severity], x0, x1)
            assert n >= 40, f"the {half} chart has {n} {severity} pixels"
            print(f"  chart by {half}: {n} {severity} pixels")
    print(f"  DOM: {total} rows; #code={code} shows {wanted} ({expected!r}); screenshot {width}x{height}")


if __name__ == "__main__":
    main()
