"""Flat illustrations for the demo gmina, drawn with Pillow.

Each one is a simple scene in its own palette, so the demo's lists look like a
real gmina's (photos of bins, roads, a harvest wreath) without shipping photos.
The alt text (the image's `description`) says what is drawn.
"""

import io
import math

from PIL import Image, ImageDraw

W, H = 1200, 675

SKY = (174, 214, 241)
GRASS = (106, 168, 79)
WHITE = (255, 255, 255)
DARK = (45, 52, 54)


def _canvas(top=SKY, bottom=GRASS, horizon=0.62):
    image = Image.new("RGB", (W, H), top)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(H * horizon), W, H], fill=bottom)
    return image, draw


def _sun(draw, x=1020, y=120, r=60, colour=(253, 203, 110)):
    draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _house(draw, x, y, w, h, wall, roof, windows=2):
    draw.rectangle([x, y, x + w, y + h], fill=wall)
    draw.polygon([(x - 20, y), (x + w / 2, y - h * 0.6), (x + w + 20, y)], fill=roof)
    step = w / (windows + 1)
    for i in range(1, windows + 1):
        wx = x + step * i
        draw.rectangle([wx - 22, y + 30, wx + 22, y + 80], fill=(214, 234, 248))


def _tree(draw, x, y, size=1.0):
    draw.rectangle([x - 8 * size, y, x + 8 * size, y + 60 * size], fill=(110, 76, 48))
    draw.ellipse(
        [x - 45 * size, y - 80 * size, x + 45 * size, y + 15 * size],
        fill=(39, 121, 63),
    )


def bins():
    image, draw = _canvas(top=(236, 240, 241), bottom=(189, 195, 199), horizon=0.78)
    colours = [(241, 196, 15), (41, 128, 185), (39, 174, 96), (141, 85, 36)]
    for i, colour in enumerate(colours):
        x = 170 + i * 240
        draw.rectangle([x, 230, x + 170, 520], fill=colour)
        draw.rectangle([x - 12, 200, x + 182, 240], fill=tuple(c // 2 for c in colour))
        draw.ellipse([x + 10, 505, x + 50, 545], fill=DARK)
        draw.ellipse([x + 120, 505, x + 160, 545], fill=DARK)
        # The recycling arrows, as three chevrons.
        cx, cy = x + 85, 370
        for k in range(3):
            a = math.radians(90 + k * 120)
            px, py = cx + 45 * math.cos(a), cy - 45 * math.sin(a)
            draw.regular_polygon((px, py, 16), 3, rotation=k * 120, fill=WHITE)
    return image


def road(snow=False):
    top = (189, 195, 199) if snow else SKY
    bottom = (245, 246, 250) if snow else GRASS
    image, draw = _canvas(top=top, bottom=bottom, horizon=0.45)
    asphalt = (99, 110, 114) if not snow else (178, 190, 195)
    draw.polygon([(540, 304), (660, 304), (1050, H), (150, H)], fill=asphalt)
    for i in range(7):
        t0, t1 = i / 7, (i + 0.5) / 7
        y0, y1 = 304 + (H - 304) * t0, 304 + (H - 304) * t1
        w0, w1 = 3 + 12 * t0, 3 + 12 * t1
        draw.polygon(
            [(600 - w0, y0), (600 + w0, y0), (600 + w1, y1), (600 - w1, y1)],
            fill=WHITE,
        )
    if snow:
        # A plough: orange cab and blade.
        draw.rectangle([470, 420, 700, 540], fill=(230, 126, 34))
        draw.rectangle([500, 360, 620, 430], fill=(211, 84, 0))
        draw.polygon([(440, 540), (730, 540), (760, 600), (410, 600)], fill=DARK)
        for i in range(60):
            x, y = (i * 197) % W, (i * 113) % 300
            draw.ellipse([x, y, x + 8, y + 8], fill=WHITE)
    else:
        _sun(draw)
        for x in (120, 260, 950, 1100):
            _tree(draw, x, 250, 0.8)
    return image


def harvest():
    image, draw = _canvas(top=(133, 193, 233), bottom=(241, 196, 15), horizon=0.55)
    for i in range(0, W, 24):
        draw.line([(i, 371), (i + 10, H)], fill=(212, 172, 13), width=4)
    cx, cy = 600, 300
    draw.ellipse([cx - 170, cy - 170, cx + 170, cy + 170], fill=(230, 160, 30))
    draw.ellipse([cx - 110, cy - 110, cx + 110, cy + 110], fill=(133, 193, 233))
    for k in range(16):
        a = math.radians(k * 22.5)
        x, y = cx + 140 * math.cos(a), cy + 140 * math.sin(a)
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=(192, 57, 43))
    for dx in (-40, 0, 40):
        draw.rectangle(
            [cx + dx - 6, cy + 170, cx + dx + 6, cy + 260], fill=(192, 57, 43)
        )
    return image


def school():
    image, draw = _canvas()
    _sun(draw, 150, 110)
    _house(draw, 330, 260, 540, 200, (250, 215, 160), (192, 57, 43), windows=5)
    draw.rectangle([565, 380, 635, 460], fill=(110, 76, 48))
    draw.line([(900, 120), (900, 460)], fill=DARK, width=6)
    draw.rectangle([903, 120, 1010, 155], fill=WHITE)
    draw.rectangle([903, 155, 1010, 190], fill=(220, 20, 60))
    return image


def radio_mast():
    image, draw = _canvas(top=(214, 234, 248), bottom=GRASS, horizon=0.72)
    base_y = int(H * 0.72)
    draw.polygon(
        [(560, base_y), (640, base_y), (606, 90), (594, 90)], fill=(127, 140, 141)
    )
    for y in range(130, base_y, 50):
        draw.line([(590, y), (610, y + 40)], fill=WHITE, width=3)
    for r in (70, 130, 190):
        draw.arc(
            [600 - r, 90 - r, 600 + r, 90 + r], 200, 340, fill=(41, 128, 185), width=10
        )
    for x in (200, 330, 880, 1010):
        _house(draw, x - 60, base_y - 90, 120, 90, (236, 240, 241), (52, 73, 94), 1)
        draw.rectangle([x + 30, base_y - 160, x + 40, base_y - 120], fill=DARK)
    return image


def pitch():
    image = Image.new("RGB", (W, H), (46, 134, 72))
    draw = ImageDraw.Draw(image)
    for i in range(0, W, 100):
        draw.rectangle([i, 0, i + 50, H], fill=(56, 150, 84))
    draw.rectangle([60, 50, W - 60, H - 50], outline=WHITE, width=6)
    draw.line([(W / 2, 50), (W / 2, H - 50)], fill=WHITE, width=6)
    draw.ellipse(
        [W / 2 - 90, H / 2 - 90, W / 2 + 90, H / 2 + 90], outline=WHITE, width=6
    )
    draw.rectangle([60, H / 2 - 140, 220, H / 2 + 140], outline=WHITE, width=6)
    draw.rectangle([W - 220, H / 2 - 140, W - 60, H / 2 + 140], outline=WHITE, width=6)
    draw.ellipse([W / 2 - 30, H / 2 - 30, W / 2 + 30, H / 2 + 30], fill=WHITE)
    return image


def town_hall():
    image, draw = _canvas(top=(210, 225, 240), bottom=(149, 165, 166), horizon=0.8)
    draw.rectangle([250, 250, 950, 540], fill=(236, 228, 210))
    draw.polygon([(220, 250), (600, 110), (980, 250)], fill=(127, 140, 141))
    for i in range(6):
        x = 300 + i * 120
        draw.rectangle([x, 280, x + 40, 540], fill=WHITE)
    draw.rectangle([560, 430, 640, 540], fill=(110, 76, 48))
    for i in range(4):
        draw.rectangle([200 + i * 25, 540 + i * 12, 1000 - i * 25, 552 + i * 12],
                       fill=(189, 195, 199))  # fmt: skip
    return image


def water():
    image = Image.new("RGB", (W, H), (214, 234, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle([300, 180, 720, 250], fill=(149, 165, 166))
    draw.rectangle([640, 250, 720, 330], fill=(149, 165, 166))
    draw.rectangle([470, 130, 550, 180], fill=(127, 140, 141))
    draw.rectangle([420, 110, 600, 135], fill=(192, 57, 43))
    draw.polygon([(680, 380), (640, 470), (720, 470)], fill=(41, 128, 185))
    draw.ellipse([638, 430, 722, 514], fill=(41, 128, 185))
    for i in range(5):
        y = 560 + i * 18
        draw.arc(
            [200 + i * 40, y, 1000 - i * 40, y + 60],
            0,
            180,
            fill=(52, 152, 219),
            width=5,
        )
    return image


def solar():
    image, draw = _canvas(top=(133, 193, 233), bottom=GRASS, horizon=0.75)
    _sun(draw, 1030, 110, 75)
    draw.polygon(
        [(200, 300), (1000, 300), (1080, 506), (120, 506)], fill=(127, 140, 141)
    )
    for row in range(3):
        for col in range(7):
            x0 = 220 + col * 110 - row * 10
            y0 = 320 + row * 60
            draw.rectangle(
                [x0, y0, x0 + 95, y0 + 50], fill=(31, 58, 147), outline=WHITE, width=2
            )
    return image


def stage():
    image = Image.new("RGB", (W, H), (44, 62, 80))
    draw = ImageDraw.Draw(image)
    draw.rectangle([150, 450, 1050, 560], fill=(110, 76, 48))
    draw.polygon([(150, 120), (300, 120), (300, 450), (150, 450)], fill=(192, 57, 43))
    draw.polygon([(900, 120), (1050, 120), (1050, 450), (900, 450)], fill=(192, 57, 43))
    for x in (420, 600, 780):
        draw.polygon([(x - 80, 450), (x + 80, 450), (x, 60)], fill=(90, 105, 120))
    for x, y in ((470, 260), (640, 210), (760, 300)):
        draw.ellipse([x, y, x + 44, y + 34], fill=(253, 203, 110))
        draw.rectangle([x + 36, y - 110, x + 44, y + 16], fill=(253, 203, 110))
    return image


def hall():
    image, draw = _canvas()
    _sun(draw, 180, 120)
    _house(draw, 420, 300, 360, 170, (245, 203, 167), (160, 64, 0), windows=3)
    draw.rectangle([570, 390, 630, 470], fill=(110, 76, 48))
    for x, s in ((230, 1.2), (330, 0.9), (900, 1.1), (1030, 1.3)):
        _tree(draw, x, 330, s)
    return image


def books():
    image = Image.new("RGB", (W, H), (250, 243, 224))
    draw = ImageDraw.Draw(image)
    colours = [(192, 57, 43), (41, 128, 185), (39, 174, 96), (142, 68, 173),
               (243, 156, 18), (22, 160, 133), (44, 62, 80)]  # fmt: skip
    for shelf in range(3):
        y = 200 + shelf * 180
        draw.rectangle([120, y, 1080, y + 14], fill=(110, 76, 48))
        x = 140
        k = shelf * 3
        while x < 1040:
            w = 36 + (k * 17) % 30
            h = 110 + (k * 29) % 45
            draw.rectangle([x, y - h, x + w, y], fill=colours[k % len(colours)])
            x += w + 6
            k += 1
    return image


def coat_of_arms():
    image = Image.new("RGB", (600, 700), WHITE)
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(60, 40), (540, 40), (540, 380), (300, 660), (60, 380)],
        fill=(29, 78, 137),
        outline=(241, 196, 15),
    )
    draw.rectangle([240, 200, 360, 480], fill=(241, 196, 15))
    for i in range(4):
        draw.rectangle([228 + i * 36, 160, 252 + i * 36, 210], fill=(241, 196, 15))
    draw.rectangle([280, 390, 320, 480], fill=(29, 78, 137))
    draw.rectangle([285, 260, 315, 310], fill=(29, 78, 137))
    return image


# key: (drawing, title, alt text)
ILLUSTRATIONS = {
    "odpady": (bins, "Pojemniki do segregacji",
               "Cztery pojemniki na odpady segregowane: żółty, niebieski, "
               "zielony i brązowy."),
    "droga": (road, "Nowa droga gminna",
              "Nowa asfaltowa droga z przerywaną linią, biegnąca między polami "
              "i drzewami."),
    "zima": (lambda: road(snow=True), "Odśnieżanie dróg",
             "Pomarańczowy pług odśnieżający na zaśnieżonej drodze gminnej."),
    "dozynki": (harvest, "Wieniec dożynkowy",
                "Złoty wieniec dożynkowy z czerwonymi wstążkami na tle łanu zboża."),
    "szkola": (school, "Szkoła podstawowa",
               "Budynek szkoły podstawowej z czerwonym dachem i flagą Polski "
               "na maszcie."),
    "internet": (radio_mast, "Maszt internetu radiowego",
                 "Maszt internetu radiowego nad wsią; na dachach domów anteny "
                 "odbiorcze."),
    "sport": (pitch, "Boisko piłkarskie",
              "Zielone boisko piłkarskie z białymi liniami i piłką na środku."),
    "urzad": (town_hall, "Urząd Gminy",
              "Budynek urzędu gminy z kolumnami i schodami od frontu."),
    "woda": (water, "Wodociąg",
             "Kran, z którego kapie niebieska kropla wody."),
    "fotowoltaika": (solar, "Panele fotowoltaiczne",
                     "Panele fotowoltaiczne na dachu budynku gminnego, w tle "
                     "słońce."),
    "kultura": (stage, "Scena plenerowa",
                "Scena z czerwonymi kurtynami i złotymi nutami nad nią."),
    "swietlica": (hall, "Świetlica wiejska",
                  "Nowa świetlica wiejska z brązowymi drzwiami, otoczona "
                  "drzewami."),
    "biblioteka": (books, "Biblioteka gminna",
                   "Półki pełne kolorowych książek w bibliotece gminnej."),
    "herb": (coat_of_arms, "Herb gminy Zawada Górna",
             "Herb gminy Zawada Górna: złota wieża na błękitnej tarczy."),
}  # fmt: skip


def render(key: str) -> bytes:
    """Return the illustration `key` as PNG bytes."""
    buffer = io.BytesIO()
    ILLUSTRATIONS[key][0]().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
