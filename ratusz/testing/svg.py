"""Read the admin's inline SVG charts the way a browser must: as numbers."""

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
# Attributes that hold one number (a coordinate or a size).
NUMERIC = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"}


def svg_charts(html: str) -> list[ET.Element]:
    """Return every chart (<svg role="img">, not an icon) in `html`, parsed as XML."""
    found = re.findall(r"<svg\b[^>]*\brole=\"img\".*?</svg>", html, flags=re.S)
    xmlns = f'<svg xmlns="{SVG[1:-1]}"'
    return [ET.fromstring(s.replace("<svg", xmlns, 1)) for s in found]


def bad_numbers(svg: ET.Element) -> list[str]:
    """Return each numeric attribute that is not a plain float (`tag attr="v"`)."""
    bad = []
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG)
        for name, value in element.attrib.items():
            values = []
            if name in NUMERIC and not (tag == "svg" and value.endswith("%")):
                values = [value]
            elif name == "viewBox":
                values = value.split(" ")
            elif name == "points":
                values = [n for pair in value.split(" ") for n in pair.split(",")]
            for v in values:
                try:
                    float(v)
                except ValueError:
                    bad.append(f'{tag} {name}="{value}"')
    return bad


def count(svg: ET.Element, tag: str) -> int:
    return len(svg.findall(f".//{SVG}{tag}"))
