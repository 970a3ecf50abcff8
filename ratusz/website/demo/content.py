"""Texts of the demo gmina: the office, villages, categories and articles.

Article dates are anchored to the calendar (`when=(month, day)`: the latest such
day not in the future) or to today (`days_ago`), so seasonal news (harvest
festival in August, snow clearing in November) lands in its season whenever
the demo is loaded. Links point at the reserved `.example` domain: the demo
must never send anyone to a real office's address.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from ratusz.lib import polish

WOJT = "Tomasz Zieliński"
PRZEWODNICZACA = "Barbara Kaczmarek"
BIP = "https://bip.zawada-gorna.example"

GMINA = {
    "name": "Gmina Zawada Górna",
    "short_name": "Zawada Górna",
    "name_genitive": "Gminy Zawada Górna",
    "name_locative": "Gminie Zawada Górna",
    "teryt": "1899042",
    # White on the primary colour: 8.9:1; the accent on white: 7.1:1 (WCAG AA).
    "primary_colour": "#1d4e89",
    "accent_colour": "#a4161a",
    "address": "Urząd Gminy Zawada Górna\nul. Rynek 12\n38-214 Zawada Górna",
    "phone": "+48 13 441 20 15",
    "email": "sekretariat@zawada-gorna.example",
    "office_hours": (
        "poniedziałek: 8:00–16:00\nwtorek–czwartek: 7:30–15:30\npiątek: 7:30–14:30"
    ),
    "bip_url": BIP + "/",
    "epuap_address": "/ugzawadagorna/SkrytkaESP",
    "iod_email": "iod@zawada-gorna.example",
}

# name, genitive ("sołtys Kamionki"), locative ("w Kamionce"), sołtys
VILLAGES = [
    ("Zawada Górna", "Zawady Górnej", "Zawadzie Górnej", "Jan Wróbel"),
    ("Zawada Dolna", "Zawady Dolnej", "Zawadzie Dolnej", "Halina Sowa"),
    ("Kamionka", "Kamionki", "Kamionce", "Stanisław Kogut"),
    ("Olszyny", "Olszyn", "Olszynach", "Maria Bielecka"),
    ("Brzózki", "Brzózek", "Brzózkach", "Krzysztof Mazur"),
    ("Wola Zawadzka", "Woli Zawadzkiej", "Woli Zawadzkiej", "Ewa Lis"),
    ("Dębina", "Dębiny", "Dębinie", "Zbigniew Pawlak"),
    ("Łazy", "Łazów", "Łazach", "Teresa Wójcik"),
    ("Podlesie", "Podlesia", "Podlesiu", "Marek Kwiatkowski"),
    ("Stara Wieś", "Starej Wsi", "Starej Wsi", "Agnieszka Duda"),
    ("Józefów", "Józefowa", "Józefowie", "Paweł Sikora"),
]

# name, is_urgent
CATEGORIES = [
    ("Komunikaty pilne", True),
    ("Odpady", False),
    ("Drogi", False),
    ("Kultura", False),
    ("Oświata", False),
    ("Inwestycje", False),
    ("Rada Gminy", False),
    ("Sport", False),
    # Matters residents write to the office about (the messenger's inbox).
    ("Podatki", False),
    ("Dowody i meldunki", False),
    ("Dostępność", False),
]

MONTHS = ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec",
          "sierpień", "wrzesień", "październik", "listopad", "grudzień"]  # fmt: skip
MONTHS_GENITIVE = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
                   "lipca", "sierpnia", "września", "października", "listopada",
                   "grudnia"]  # fmt: skip
WEEKDAYS = ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota",
            "niedziela"]  # fmt: skip


@dataclass
class Article:
    slug: str
    title: str
    lead: str
    # Paragraph texts; "<…" is HTML as is, "## …" a heading, ("quote", text,
    # source) a quote block.
    body: list
    category: str
    tags: list[str]
    villages: list[str] = field(default_factory=list)
    when: tuple[int, int] | None = None
    days_ago: int | None = None
    image: str | None = None
    body_image: tuple[str, str] | None = None
    featured: bool = False
    # Urgent for this many days after publication (is_urgent + urgent_until).
    urgent_days: int | None = None
    author: str = "Referat Promocji UG Zawada Górna"
    # Filled in by the loader for dated series.
    published: date | None = None


def _d(day: date) -> str:
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]}"


ARTICLES = [
    # Komunikaty pilne
    Article(
        "awaria-wodociagu-w-debinie",
        "Awaria wodociągu w Dębinie – woda z beczkowozu",
        "Z powodu pęknięcia magistrali mieszkańcy Dębiny mogą nie mieć wody do "
        "jutra do godziny 18:00. Przy świetlicy stoi beczkowóz z wodą pitną.",
        [
            "Dziś rano na ulicy Leśnej w Dębinie pękła magistrala wodociągowa. "
            "Ekipa Gminnego Zakładu Gospodarki Komunalnej pracuje na miejscu; "
            "naprawa potrwa według wstępnych szacunków do jutra do godziny 18:00.",
            "Beczkowóz z wodą pitną stoi przy świetlicy wiejskiej, a drugi – przy "
            "przystanku autobusowym na skrzyżowaniu z drogą powiatową. Prosimy "
            "przynieść własne, czyste naczynia.",
            "Po przywróceniu dostaw woda może być przez kilka godzin mętna. Do "
            "czasu komunikatu Sanepidu zalecamy przegotowanie wody przed "
            "spożyciem. Osoby starsze i chore, które potrzebują dowozu wody do "
            "domu, prosimy o telefon pod numer alarmowy GZGK: 13 441 20 99.",
        ],
        "Komunikaty pilne",
        ["woda", "awaria"],
        ["debina"],
        days_ago=1,
        image="woda",
        urgent_days=3,
        author="Gminny Zakład Gospodarki Komunalnej",
    ),
    Article(
        "ostrzezenie-przed-silnym-wiatrem",
        "Ostrzeżenie przed silnym wiatrem – zabezpiecz swoją posesję",
        "IMGW wydał ostrzeżenie drugiego stopnia: w porywach wiatr może osiągać "
        "do 100 km/h. Gminne Centrum Zarządzania Kryzysowego apeluje o ostrożność.",
        [
            "Według Instytutu Meteorologii i Gospodarki Wodnej silny wiatr będzie "
            "wiał od wieczora do jutrzejszego popołudnia. Prosimy zabezpieczyć "
            "lub schować przedmioty, które wiatr może porwać: trampoliny, meble "
            "ogrodowe, blachy i folie.",
            "Nie parkujcie samochodów pod drzewami i nie wchodźcie do lasu. Jeśli "
            "zobaczycie zerwaną linię energetyczną, nie zbliżajcie się do niej i "
            "zadzwońcie pod numer 991.",
            "Powalone drzewa na drogach gminnych zgłaszajcie dyżurnemu urzędu "
            "pod numerem 13 441 20 15 wew. 50 (całą dobę) lub Straży Pożarnej "
            "pod numerem 112. Druhowie z OSP Zawada Górna i OSP Kamionka są w "
            "gotowości.",
        ],
        "Komunikaty pilne",
        ["ostrzeżenie", "pogoda", "OSP"],
        days_ago=4,
        author="Gminne Centrum Zarządzania Kryzysowego",
    ),
    Article(
        "przerwa-w-dostawie-pradu-lazy-podlesie",
        "Przerwa w dostawie prądu w Łazach i Podlesiu",
        "We wtorek od 8:00 do 14:00 operator sieci wymienia słupy na linii "
        "średniego napięcia. Prądu nie będzie w części obu sołectw.",
        [
            "Operator sieci dystrybucyjnej zawiadomił urząd o planowanych pracach "
            "na linii średniego napięcia zasilającej Łazy i Podlesie. Prąd zostanie "
            "wyłączony we wtorek w godzinach 8:00–14:00.",
            "<p>Wyłączenie obejmie:</p><ul><li>Łazy – numery 1–48 oraz 70–95,</li>"
            "<li>Podlesie – całą miejscowość z wyjątkiem kolonii przy lesie.</li>"
            "</ul>",
            "Pełną listę adresów i aktualne informacje o przerwach znajdziecie na "
            "stronie operatora. Przypominamy, by odłączyć od sieci wrażliwe "
            "urządzenia elektroniczne.",
        ],
        "Komunikaty pilne",
        ["prąd", "utrudnienia"],
        ["lazy", "podlesie"],
        when=(2, 12),
    ),
    Article(
        "apel-wojta-oszczedzajmy-wode",
        "Apel wójta: oszczędzajmy wodę w czasie upałów",
        "Przy temperaturach powyżej 30 stopni zużycie wody w gminie wzrosło "
        "o połowę. Wójt Gminy prosi, by nie podlewać ogrodów w godzinach 6–22.",
        [
            "W ostatnich dniach zużycie wody w gminnym wodociągu sięga 1400 metrów "
            "sześciennych na dobę, o połowę więcej niż zwykle. Ujęcie w Zawadzie "
            "Dolnej pracuje na granicy wydajności, a w wyżej położonych domach w "
            "Olszynach i Józefowie wieczorem spada ciśnienie.",
            (
                "quote",
                "Proszę wszystkich mieszkańców o rozsądek: podlewajmy ogrody tylko "
                "wcześnie rano lub późnym wieczorem i nie napełniajmy teraz "
                "basenów z wodociągu. To kilka dni, a pozwoli uniknąć przerw w "
                "dostawach wody pitnej.",
                f"{WOJT}, Wójt Gminy Zawada Górna",
            ),
            "Z wójtem rozmawialiśmy też o inwestycjach: w przyszłym roku gmina "
            "chce wywiercić drugą studnię głębinową. Wniosek o dofinansowanie "
            "złożono w programie Rządowego Funduszu Polski Ład.",
        ],
        "Komunikaty pilne",
        ["woda", "upał", "wójt"],
        ["olszyny", "jozefow"],
        when=(7, 22),
        image="woda",
    ),
    # Odpady
    Article(
        "zbiorka-odpadow-wielkogabarytowych",
        "Zbiórka odpadów wielkogabarytowych i elektrośmieci",
        "Stare meble, dywany, materace i zużyty sprzęt RTV i AGD odbierzemy "
        "sprzed posesji. Wystaw je do 7:00 w dniu zbiórki dla swojego sołectwa.",
        [
            "Raz w roku firma odbierająca odpady z terenu gminy zabiera sprzed "
            "domów odpady wielkogabarytowe i elektrośmieci. W tym roku zbiórka "
            "odbędzie się w trzech turach.",
            "<ul><li>Zawada Górna, Zawada Dolna, Wola Zawadzka – poniedziałek,</li>"
            "<li>Kamionka, Olszyny, Brzózki, Dębina – wtorek,</li>"
            "<li>Łazy, Podlesie, Stara Wieś, Józefów – środa.</li></ul>",
            "Zbiórka nie obejmuje gruzu, opon z ciągników, części samochodowych "
            "ani eternitu. Te odpady można oddać w Punkcie Selektywnej Zbiórki "
            "Odpadów Komunalnych w Zawadzie Dolnej (opony – do czterech sztuk "
            "rocznie z gospodarstwa domowego).",
        ],
        "Odpady",
        ["odpady", "wielkogabaryty", "elektrośmieci"],
        ["zawada-gorna", "kamionka", "lazy"],
        when=(5, 6),
        image="odpady",
    ),
    Article(
        "nowe-stawki-oplaty-za-odpady",
        "Nowe stawki opłaty za odpady od 1 stycznia",
        "Rada Gminy zmieniła stawkę opłaty za gospodarowanie odpadami. Od "
        "stycznia wyniesie 34 zł miesięcznie od osoby, z ulgą za kompostownik.",
        [
            "Na ostatniej sesji radni przyjęli uchwałę w sprawie stawki opłaty za "
            "gospodarowanie odpadami komunalnymi. Od 1 stycznia opłata wyniesie "
            "34 zł miesięcznie od mieszkańca (dotąd 31 zł). Ulga dla osób "
            "kompostujących bioodpady w przydomowym kompostowniku wynosi 4 zł.",
            "Podwyżka wynika z wyższych cen w przetargu na odbiór odpadów i z "
            "rosnącej opłaty za składowanie. Wpływy z opłaty mogą być wydane "
            "wyłącznie na system gospodarki odpadami.",
            "Nie trzeba składać nowej deklaracji: urząd przeliczy opłatę i wyśle "
            "zawiadomienia do końca stycznia. Deklarację trzeba złożyć tylko "
            "wtedy, gdy zmieniła się liczba osób w gospodarstwie domowym. "
            "Formularz znajdziecie w BIP i w biurze podawczym urzędu.",
        ],
        "Odpady",
        ["odpady", "opłaty", "uchwała"],
        when=(12, 4),
    ),
    Article(
        "pszok-czynny-w-soboty",
        "PSZOK w Zawadzie Dolnej czynny także w soboty",
        "Od kwietnia Punkt Selektywnej Zbiórki Odpadów Komunalnych przyjmuje "
        "odpady również w soboty od 8:00 do 13:00.",
        [
            "Na prośbę mieszkańców wydłużyliśmy godziny pracy PSZOK przy ulicy "
            "Przemysłowej 3 w Zawadzie Dolnej. Punkt jest czynny we wtorki i "
            "czwartki od 10:00 do 18:00 oraz w soboty od 8:00 do 13:00.",
            "Do PSZOK bezpłatnie oddacie m.in. odpady budowlane z drobnych remontów "
            "(do 500 kg rocznie), zużyte opony, przeterminowane leki, baterie, "
            "farby, elektrośmieci i odpady zielone.",
            "Przy wjeździe prosimy o okazanie dowodu wpłaty opłaty za odpady lub "
            "podanie adresu nieruchomości.",
        ],
        "Odpady",
        ["PSZOK", "odpady"],
        ["zawada-dolna"],
        when=(4, 10),
    ),
    Article(
        "jak-segregowac-odpady",
        "Jak segregować? Krótki przewodnik po kolorach pojemników",
        "Żółty, niebieski, zielony, brązowy i czarny: co wrzucać do którego "
        "pojemnika, a czego nie, żeby odpady nadawały się do recyklingu.",
        [
            "<p><strong>Żółty – metale i tworzywa sztuczne:</strong> butelki "
            "plastikowe (zgniecione), opakowania po jogurtach, puszki, kartony po "
            "mleku i sokach, folie.</p>",
            "<p><strong>Niebieski – papier:</strong> gazety, kartony, papierowe "
            "torby. Nie wrzucajcie tu paragonów ani zatłuszczonego papieru.</p>",
            "<p><strong>Zielony – szkło:</strong> butelki i słoiki bez nakrętek. "
            "Szkło okienne, lustra i ceramika należą do PSZOK.</p>",
            "<p><strong>Brązowy – bio:</strong> resztki warzyw i owoców, fusy, "
            "skoszona trawa, liście. Bez mięsa, kości i odchodów zwierząt.</p>",
            "<p><strong>Czarny – zmieszane:</strong> wszystko, czego nie da się "
            "posegregować, np. pieluchy, zabrudzone opakowania, popiół "
            "(ostudzony!).</p>",
        ],
        "Odpady",
        ["segregacja", "odpady", "poradnik"],
        when=(1, 20),
        featured=True,
        body_image=(
            "odpady",
            "Pięć frakcji, pięć kolorów: tak wyglądają pojemniki w naszej gminie.",
        ),
    ),
    # Drogi
    Article(
        "przebudowa-drogi-kamionka-olszyny-zakonczona",
        "Przebudowa drogi gminnej Kamionka – Olszyny zakończona",
        "2,4 kilometra nowego asfaltu, pobocza i przepusty: droga łącząca "
        "Kamionkę z Olszynami przeszła odbiór techniczny.",
        [
            "Wykonawca skończył przebudowę drogi gminnej nr 118042R przed "
            "terminem. Jezdnia ma teraz 5,5 metra szerokości, nową podbudowę, "
            "utwardzone pobocza i odnowione przepusty pod zjazdami na pola.",
            "Inwestycja kosztowała 3,1 mln zł, z czego 2,2 mln zł pokrył Rządowy "
            "Fundusz Rozwoju Dróg. Pozostałą część sfinansowała gmina.",
            (
                "quote",
                "To była jedna z najczęściej zgłaszanych spraw na zebraniach "
                "wiejskich. Cieszę się, że mieszkańcy Kamionki i Olszyn wreszcie "
                "jeżdżą bez dziur.",
                f"{WOJT}, Wójt Gminy",
            ),
            "Dziękujemy mieszkańcom za cierpliwość w czasie objazdów.",
        ],
        "Drogi",
        ["drogi", "inwestycje", "RFRD"],
        ["kamionka", "olszyny"],
        when=(10, 15),
        image="droga",
        featured=True,
    ),
    Article(
        "remont-chodnika-ul-szkolna",
        "Remont chodnika przy ul. Szkolnej w Zawadzie Górnej – utrudnienia",
        "Od poniedziałku do końca miesiąca wymieniamy chodnik od Rynku do szkoły. "
        "Ruch będzie wahadłowy, a przejście dla pieszych przeniesione.",
        [
            "Prace obejmą odcinek o długości 420 metrów: nową kostkę, krawężniki, "
            "obniżenia przy przejściach dla osób na wózkach i dwa nowe punkty "
            "oświetlenia.",
            "W czasie remontu ruch na ul. Szkolnej odbywa się wahadłowo, sterowany "
            "sygnalizacją świetlną. Przejście dla pieszych przy szkole zostaje "
            "tymczasowo przeniesione o 50 metrów w stronę Rynku – prosimy "
            "rodziców, by przypomnieli o tym dzieciom.",
        ],
        "Drogi",
        ["chodnik", "utrudnienia", "remont"],
        ["zawada-gorna"],
        when=(6, 2),
    ),
    Article(
        "zimowe-utrzymanie-drog",
        "Zimowe utrzymanie dróg: kto odśnieża którą drogę",
        "Drogi gminne odśnieżają trzy firmy wyłonione w przetargu, a drogi "
        "powiatowe i wojewódzką – zarządcy tych dróg. Podajemy numery telefonów.",
        [
            "Na sezon zimowy gmina podzieliła drogi na trzy rejony. Rejon I "
            "(Zawada Górna, Zawada Dolna, Wola Zawadzka) obsługuje GZGK, rejon II "
            "(Kamionka, Olszyny, Brzózki, Dębina) i rejon III (Łazy, Podlesie, "
            "Stara Wieś, Józefów) – wykonawcy zewnętrzni.",
            "Najpierw odśnieżane są trasy autobusów szkolnych i dojazdy do "
            "przychodni, potem pozostałe drogi. Chodniki przy posesjach, zgodnie "
            "z przepisami, odśnieżają właściciele nieruchomości.",
            "<p>Zgłoszenia: dyżurny Urzędu Gminy – 13 441 20 15 wew. 50; drogi "
            "powiatowe – Powiatowy Zarząd Dróg, 13 440 11 00; droga wojewódzka – "
            "Podkarpacki Zarząd Dróg Wojewódzkich.</p>",
        ],
        "Drogi",
        ["zima", "odśnieżanie", "drogi"],
        when=(11, 20),
        image="zima",
    ),
    Article(
        "rownanie-drog-gruntowych",
        "Wiosenne równanie dróg gruntowych",
        "Równiarka ruszyła na drogi gruntowe w Łazach, Podlesiu i Józefowie. "
        "W maju dowieziemy kruszywo na najbardziej zniszczone odcinki.",
        [
            "Po roztopach drogi gruntowe w kilku sołectwach są w złym stanie. "
            "Równanie potrwa około dwóch tygodni; prosimy nie parkować maszyn "
            "rolniczych na poboczach.",
            "Sołtysi zebrali od mieszkańców listę miejsc, gdzie stoi woda. Tam "
            "zostaną wykonane rowy odwadniające i wysypane kruszywo z funduszu "
            "sołeckiego.",
        ],
        "Drogi",
        ["drogi gruntowe", "fundusz sołecki"],
        ["lazy", "podlesie", "jozefow"],
        when=(4, 22),
        image="droga",
    ),
    Article(
        "oswietlenie-led-stara-wies",
        "Nowe oświetlenie LED na ulicach Starej Wsi",
        "68 nowych opraw LED zastąpiło stare lampy sodowe. Ulice są jaśniejsze, "
        "a gmina zapłaci za prąd o dwie trzecie mniej.",
        [
            "Modernizacja oświetlenia ulicznego w Starej Wsi to pierwszy etap "
            "wymiany lamp w całej gminie. Nowe oprawy świecą białym światłem i są "
            "ściemniane w godzinach 23:00–4:30, kiedy na drogach prawie nikogo nie "
            "ma.",
            "Kolejne sołectwa – Brzózki i Dębina – dostaną nowe lampy w przyszłym "
            "roku. Awarię latarni zgłaszajcie w urzędzie, podając numer słupa.",
        ],
        "Inwestycje",
        ["oświetlenie", "energia", "LED"],
        ["stara-wies"],
        when=(9, 9),
    ),
    # Kultura
    Article(
        "dozynki-gminne-zaproszenie",
        "Dożynki gminne w Woli Zawadzkiej – zaproszenie",
        "Msza dziękczynna, korowód wieńców, występy zespołów ludowych i zabawa "
        "do północy. Zapraszamy w ostatnią niedzielę sierpnia.",
        [
            "Tegoroczne dożynki gminne przygotowują mieszkańcy Woli Zawadzkiej "
            "wraz z Gminnym Ośrodkiem Kultury. Starostami dożynek będą Anna i "
            "Józef Kotowie, którzy prowadzą gospodarstwo mleczne.",
            "<p><strong>Program:</strong></p><ul><li>13:00 – msza święta w "
            "kościele parafialnym,</li><li>14:30 – korowód dożynkowy na boisko "
            "przy szkole,</li><li>15:00 – obrzęd dożynkowy i konkurs wieńców,"
            "</li><li>16:30 – występy Zespołu Pieśni i Tańca „Zawadzianie” i "
            "kapel ludowych,</li><li>20:00 – zabawa taneczna.</li></ul>",
            "Koła Gospodyń Wiejskich zapraszają na stoiska z regionalnymi "
            "potrawami. Dla dzieci dmuchańce i malowanie twarzy.",
        ],
        "Kultura",
        ["dożynki", "festyn", "KGW"],
        ["wola-zawadzka"],
        when=(8, 18),
        image="dozynki",
        featured=True,
    ),
    Article(
        "dozynki-dziekujemy",
        "Dożynki za nami – dziękujemy!",
        "Jedenaście wieńców, kilka tysięcy gości i pogoda jak na zamówienie. "
        "Konkurs wieńców wygrało sołectwo Brzózki.",
        [
            "Dziękujemy wszystkim, którzy przygotowali tegoroczne dożynki: "
            "mieszkańcom Woli Zawadzkiej, Kołom Gospodyń Wiejskich, strażakom "
            "ochotnikom i pracownikom Gminnego Ośrodka Kultury.",
            "W konkursie na wieniec dożynkowy jury najwyżej oceniło wieniec z "
            "Brzózek, drugie miejsce zajęła Kamionka, trzecie – Olszyny. "
            "Zwycięski wieniec będzie reprezentował gminę na dożynkach "
            "powiatowych.",
            "Zdjęcia z uroczystości opublikujemy w galerii na stronie GOK.",
        ],
        "Kultura",
        ["dożynki", "wieńce"],
        ["wola-zawadzka", "brzozki"],
        when=(9, 2),
        body_image=("dozynki", "Zwycięski wieniec dożynkowy sołectwa Brzózki."),
    ),
    Article(
        "koncert-koled",
        "Koncert kolęd w kościele parafialnym",
        "Chór parafialny i orkiestra dęta OSP Zawada Górna zapraszają na "
        "wspólne kolędowanie w niedzielę po święcie Trzech Króli.",
        [
            "Koncert rozpocznie się o 16:00 w kościele pw. św. Michała Archanioła "
            "w Zawadzie Górnej. Usłyszymy tradycyjne kolędy i pastorałki w "
            "nowych aranżacjach.",
            "Wstęp wolny. Podczas koncertu wolontariusze będą zbierać datki na "
            "leczenie pięcioletniej Zuzi z Dębiny.",
        ],
        "Kultura",
        ["koncert", "kolędy"],
        ["zawada-gorna"],
        when=(1, 5),
        image="kultura",
    ),
    Article(
        "warsztaty-wakacyjne-biblioteka",
        "Biblioteka zaprasza na wakacyjne warsztaty dla dzieci",
        "Komiks, robotyka i zajęcia plastyczne: Gminna Biblioteka Publiczna "
        "przygotowała bezpłatne zajęcia na każdy tydzień wakacji.",
        [
            "Zajęcia odbywają się od poniedziałku do czwartku w godzinach "
            "10:00–13:00 w bibliotece w Zawadzie Górnej i w filii w Kamionce. "
            "Zapraszamy dzieci w wieku 7–12 lat.",
            "Zapisy przyjmujemy osobiście w bibliotece lub telefonicznie: "
            "13 441 23 40. Liczba miejsc w każdej grupie jest ograniczona do 15 "
            "osób.",
        ],
        "Kultura",
        ["biblioteka", "wakacje", "dzieci"],
        ["zawada-gorna", "kamionka"],
        when=(6, 25),
        image="biblioteka",
    ),
    Article(
        "noc-swietojanska-brzozki",
        "Noc Świętojańska nad stawem w Brzózkach",
        "Puszczanie wianków, koncert i pokaz tańca z ogniem. Sołectwo Brzózki "
        "zaprasza w sobotę od 19:00.",
        [
            "Stowarzyszenie „Razem dla Brzózek” i Koło Gospodyń Wiejskich "
            "przygotowują wieczór świętojański nad stawem przy świetlicy. Wianki "
            "można uplatać na miejscu – kwiaty zapewniają organizatorzy.",
            "Parking przy remizie OSP. Prosimy o przestrzeganie zakazu kąpieli w "
            "stawie.",
        ],
        "Kultura",
        ["wianki", "festyn"],
        ["brzozki"],
        when=(6, 15),
        body_image=("kultura", "Scena nad stawem czeka na wieczorny koncert."),
    ),
    Article(
        "kgw-olszyny-nagroda",
        "Koło Gospodyń Wiejskich z Olszyn z nagrodą w konkursie kulinarnym",
        "Pierogi z kaszą i bryndzą według przepisu babci Stanisławy zdobyły "
        "pierwsze miejsce w wojewódzkim konkursie „Smaki Podkarpacia”.",
        [
            "Panie z KGW Olszyny rywalizowały z czterdziestoma kołami z całego "
            "województwa. Jury doceniło tradycyjny przepis i ręcznie lepione "
            "pierogi.",
            "Wójt Gminy pogratulował laureatkom podczas spotkania w urzędzie. "
            "Nagrodą jest wyjazd na targi żywności regionalnej i 5 tys. zł na "
            "wyposażenie kuchni w świetlicy.",
        ],
        "Kultura",
        ["KGW", "konkurs"],
        ["olszyny"],
        when=(10, 2),
    ),
    # Oświata
    Article(
        "rekrutacja-przedszkola-szkoly",
        "Rekrutacja do przedszkoli i szkół na nowy rok szkolny",
        "Wnioski o przyjęcie do przedszkoli i pierwszych klas składamy od 1 do "
        "21 marca. Harmonogram i kryteria naboru ogłosił Wójt Gminy.",
        [
            "Zarządzeniem Wójta Gminy Zawada Górna ustalono terminy rekrutacji do "
            "publicznych przedszkoli, oddziałów przedszkolnych i klas pierwszych "
            "szkół podstawowych prowadzonych przez gminę.",
            "<ul><li>1–21 marca – składanie wniosków,</li><li>do 4 kwietnia – "
            "weryfikacja wniosków przez komisje,</li><li>7 kwietnia – listy "
            "zakwalifikowanych,</li><li>do 14 kwietnia – potwierdzenie woli "
            "przyjęcia,</li><li>16 kwietnia – listy przyjętych.</li></ul>",
            "Dzieci z obwodu szkoły przyjmowane są do klasy pierwszej na podstawie "
            "zgłoszenia. Wnioski można pobrać w sekretariatach szkół i w BIP.",
        ],
        "Oświata",
        ["rekrutacja", "przedszkole", "szkoła"],
        when=(2, 20),
        image="szkola",
    ),
    Article(
        "pracownia-komputerowa-kamionka",
        "Nowa pracownia komputerowa w szkole w Kamionce",
        "Szesnaście stanowisk, tablica interaktywna i zestawy do nauki "
        "programowania: uczniowie zaczęli rok szkolny w nowej pracowni.",
        [
            "Pracownię wyposażono w ramach programu „Laboratoria przyszłości” oraz "
            "ze środków gminy. Z nowego sprzętu korzysta 142 uczniów Szkoły "
            "Podstawowej im. Marii Konopnickiej w Kamionce.",
            "Po lekcjach w pracowni działa koło robotyki. W soboty raz w miesiącu "
            "nauczyciele prowadzą tam kurs obsługi komputera i bankowości "
            "internetowej dla seniorów.",
        ],
        "Oświata",
        ["szkoła", "cyfryzacja"],
        ["kamionka"],
        when=(9, 20),
        image="szkola",
    ),
    Article(
        "dowoz-uczniow-wrzesien",
        "Dowóz uczniów do szkół – zmiany w rozkładzie od września",
        "Autobus szkolny z Józefowa i Łazów wyjedzie 10 minut wcześniej, a na "
        "trasie pojawi się nowy przystanek w Podlesiu-Kolonii.",
        [
            "Od nowego roku szkolnego zmienia się rozkład kursów autobusu "
            "szkolnego na trasie Józefów – Łazy – Podlesie – Zawada Górna. "
            "Pierwszy kurs wyjedzie z Józefowa o 7:05.",
            "Rodziców uczniów, którzy będą korzystać z nowego przystanku w "
            "Podlesiu-Kolonii, prosimy o zgłoszenie dziecka w sekretariacie "
            "szkoły do 31 sierpnia. Rozkład jazdy dostępny jest w szkołach i w "
            "urzędzie.",
        ],
        "Oświata",
        ["dowóz", "szkoła"],
        ["jozefow", "lazy", "podlesie"],
        when=(8, 28),
    ),
    Article(
        "stypendia-wojta",
        "Stypendia wójta dla najlepszych uczniów przyznane",
        "Dwudziestu trzech uczniów otrzymało stypendium Wójta Gminy za wyniki w "
        "nauce, sporcie i osiągnięcia artystyczne.",
        [
            "Uroczystość wręczenia stypendiów odbyła się w sali widowiskowej GOK. "
            "Wójt pogratulował uczniom i ich rodzicom oraz podziękował "
            "nauczycielom.",
            "Stypendia w wysokości od 600 do 1200 zł trafiły do laureatów "
            "konkursów przedmiotowych, finalistów zawodów sportowych i młodych "
            "muzyków. Z wójtem sfotografowali się wszyscy stypendyści.",
        ],
        "Oświata",
        ["stypendia", "uczniowie", "wójt"],
        when=(7, 3),
        image="szkola",
    ),
    # Inwestycje
    Article(
        "internet-radiowy-zapisy",
        "Bezprzewodowy internet radiowy dla mieszkańców – ruszają zapisy",
        "Gmina buduje sieć internetu radiowego dla domów, do których nie "
        "dociera światłowód. Zapisy przyjmują sołtysi i urząd.",
        [
            "W wielu domach w Łazach, Józefowie i Podlesiu nie ma dostępu do "
            "szybkiego internetu przewodowego. Dlatego gmina, z dofinansowaniem "
            "z programu Fundusze Europejskie na Rozwój Cyfrowy, stawia trzy maszty "
            "bezprzewodowego internetu radiowego.",
            "Abonament wyniesie 39 zł miesięcznie za łącze 100 Mb/s. Instalacja "
            "anteny na budynku jest bezpłatna dla pierwszych 300 gospodarstw. "
            "Dla rodzin z Kartą Dużej Rodziny i seniorów 65+ przewidziano "
            "zniżkę.",
            "Zgłoszenie można złożyć u sołtysa, w pokoju nr 12 urzędu lub "
            "telefonicznie pod numerem 13 441 20 15 wew. 31.",
        ],
        "Inwestycje",
        ["internet", "internet radiowy", "cyfryzacja"],
        ["lazy", "jozefow", "podlesie"],
        days_ago=45,
        image="internet",
    ),
    Article(
        "maszt-internetu-radiowego-jozefow",
        "Pierwszy maszt internetu radiowego działa w Józefowie",
        "Pierwszych 84 gospodarstw korzysta już z bezprzewodowego internetu. "
        "Kolejne maszty w Łazach i Podlesiu ruszą przed zimą.",
        [
            "Maszt stanął na działce gminnej przy remizie OSP w Józefowie. "
            "Instalatorzy montują anteny odbiorcze w kolejności zgłoszeń – "
            "obecnie czas oczekiwania wynosi około dwóch tygodni.",
            "Mieszkańcy, którzy już korzystają z łącza, chwalą stabilność "
            "połączenia. Internet radiowy pozwala na pracę zdalną, naukę i "
            "rozmowy wideo, a w urzędzie i szkole działa bezpłatny hotspot.",
            "Zapisy trwają. Szczegóły w artykule o uruchomieniu zapisów oraz u "
            "sołtysów.",
        ],
        "Inwestycje",
        ["internet radiowy", "internet", "cyfryzacja"],
        ["jozefow"],
        days_ago=5,
        image="internet",
        featured=True,
    ),
    Article(
        "fotowoltaika-budynki-gminne",
        "Fotowoltaika na budynkach gminnych – umowa podpisana",
        "Panele fotowoltaiczne pojawią się na dachach urzędu, dwóch szkół i "
        "oczyszczalni ścieków. Gmina zaoszczędzi na prądzie ok. 180 tys. zł rocznie.",
        [
            "Wójt podpisał umowę z wykonawcą instalacji o łącznej mocy 320 kW. "
            "Montaż potrwa do końca czerwca.",
            "Projekt kosztuje 1,4 mln zł; 85 procent kosztów pokrywa dotacja z "
            "Regionalnego Programu Operacyjnego.",
        ],
        "Inwestycje",
        ["fotowoltaika", "energia", "dotacje"],
        when=(3, 18),
        image="fotowoltaika",
    ),
    Article(
        "swietlica-podlesie-budowa",
        "Budowa świetlicy wiejskiej w Podlesiu",
        "Po latach starań Podlesie będzie miało swoją świetlicę: salę na 80 osób, "
        "zaplecze kuchenne i plac zabaw.",
        [
            "Budynek stanie obok boiska, na działce przekazanej gminie przez "
            "parafię. Wykonawca ma czas do listopada.",
            "Świetlica będzie służyć zebraniom wiejskim, kołu gospodyń i "
            "zajęciom dla dzieci. Na wyposażenie przeznaczono środki z funduszu "
            "sołeckiego.",
        ],
        "Inwestycje",
        ["świetlica", "inwestycje", "fundusz sołecki"],
        ["podlesie"],
        when=(5, 14),
        image="swietlica",
    ),
    Article(
        "kanalizacja-zawada-dolna-dofinansowanie",
        "Gmina z dofinansowaniem na kanalizację w Zawadzie Dolnej",
        "Prawie 6 mln zł z Rządowego Programu Inwestycji Strategicznych pozwoli "
        "podłączyć do kanalizacji 210 domów.",
        [
            "W Zawadzie Dolnej powstanie 7,8 km sieci kanalizacji sanitarnej i "
            "dwie przepompownie. Ścieki trafią do gminnej oczyszczalni.",
            "Przyłącza od granicy działki do budynku mieszkańcy wykonają we "
            "własnym zakresie; gmina przygotowuje program dopłat. Spotkanie "
            "informacyjne odbędzie się w remizie OSP.",
        ],
        "Inwestycje",
        ["kanalizacja", "dotacje"],
        ["zawada-dolna"],
        when=(11, 5),
    ),
    Article(
        "czyste-powietrze-punkt-konsultacyjny",
        "Czyste Powietrze: punkt konsultacyjny w urzędzie",
        "Dotacja na wymianę pieca i ocieplenie domu – pomożemy złożyć wniosek. "
        "Punkt działa we wtorki i czwartki w pokoju nr 8.",
        [
            "W programie Czyste Powietrze można otrzymać nawet do 100 procent "
            "kosztów wymiany starego kotła na pompę ciepła lub kocioł gazowy, "
            "ocieplenia ścian i wymiany okien.",
            "Pracownik punktu sprawdzi, na jaki poziom dofinansowania możecie "
            "liczyć, i pomoże wypełnić wniosek. Prosimy zabrać zaświadczenie o "
            "dochodach lub PIT za ubiegły rok.",
        ],
        "Inwestycje",
        ["Czyste Powietrze", "dotacje", "piece"],
        when=(3, 2),
    ),
    Article(
        "konsultacje-strategii-rozwoju",
        "Konsultacje społeczne strategii rozwoju gminy",
        "Jaka ma być Zawada Górna za dziesięć lat? Czekamy na uwagi do projektu "
        "strategii przez cztery tygodnie.",
        [
            "Projekt Strategii Rozwoju Gminy Zawada Górna na lata 2026–2035 "
            "przygotowano po ankietach i warsztatach z mieszkańcami. Dokument "
            "wskazuje cztery cele: dobre drogi i bezpieczeństwo, czyste "
            "środowisko, usługi dla seniorów oraz miejsca pracy.",
            "Uwagi można zgłaszać na formularzu dostępnym w BIP, e-mailem lub "
            "osobiście w urzędzie. Zapraszamy też na spotkania konsultacyjne w "
            "świetlicach wiejskich.",
        ],
        "Inwestycje",
        ["konsultacje", "strategia"],
        days_ago=3,
        image="urzad",
    ),
    # Rada Gminy
    Article(
        "budzet-gminy-uchwalony",
        "Budżet gminy na nowy rok uchwalony",
        "Dochody 68,4 mln zł, wydatki 72,1 mln zł, z czego 17 mln zł na "
        "inwestycje. Radni przyjęli budżet jednogłośnie.",
        [
            "Na sesji budżetowej Rada Gminy przyjęła uchwałę budżetową po "
            "wysłuchaniu opinii Regionalnej Izby Obrachunkowej i komisji rady.",
            "Największe inwestycje to kanalizacja w Zawadzie Dolnej, przebudowa "
            "drogi w Brzózkach, termomodernizacja szkoły w Zawadzie Górnej i "
            "kolejne maszty internetu radiowego.",
            (
                "quote",
                "To budżet rozwoju, ale i rozsądku: deficyt pokrywamy wolnymi "
                "środkami, a nie nowym kredytem.",
                f"{WOJT}, Wójt Gminy",
            ),
        ],
        "Rada Gminy",
        ["budżet", "rada gminy", "sesja"],
        when=(12, 20),
        image="urzad",
    ),
    Article(
        "absolutorium-dla-wojta",
        "Wójt gminy z absolutorium i wotum zaufania",
        "Radni przyjęli raport o stanie gminy, udzielili wójtowi wotum zaufania "
        "i absolutorium za wykonanie budżetu.",
        [
            "Debata nad raportem o stanie gminy trwała ponad dwie godziny. Głos "
            "zabrali radni i trzech mieszkańców, którzy zgłosili się wcześniej z "
            "poparciem wymaganej liczby podpisów.",
            "Za udzieleniem wotum zaufania głosowało 13 radnych, 2 wstrzymało "
            "się od głosu. Absolutorium przyjęto jednogłośnie. Wójt podziękował "
            "radnym, sołtysom i pracownikom urzędu.",
        ],
        "Rada Gminy",
        ["absolutorium", "raport o stanie gminy", "wójt"],
        when=(6, 27),
    ),
    Article(
        "zebrania-wiejskie-harmonogram",
        "Zebrania wiejskie z udziałem wójta – harmonogram",
        "Fundusz sołecki na przyszły rok, drogi i oświetlenie: wójt spotka się z "
        "mieszkańcami wszystkich sołectw.",
        [
            "Na zebraniach mieszkańcy zdecydują, na co przeznaczyć fundusz sołecki. "
            "W tym roku każde sołectwo ma do dyspozycji od 28 do 52 tys. zł.",
            "Harmonogram zebrań wisi na tablicach ogłoszeń w sołectwach. "
            "Zapraszamy – z wójtem i kierownikami referatów będzie można "
            "porozmawiać o każdej sprawie.",
        ],
        "Rada Gminy",
        ["zebrania wiejskie", "fundusz sołecki", "wójt"],
        ["kamionka", "debina", "stara-wies"],
        when=(2, 8),
        body_image=("swietlica", "Zebrania odbywają się w świetlicach wiejskich."),
    ),
    Article(
        "nowy-soltys-stara-wies",
        "Nowa sołtyska w Starej Wsi",
        "Mieszkańcy Starej Wsi wybrali Agnieszkę Dudę na sołtyskę. Zastąpiła "
        "Henryka Nowaka, który pełnił tę funkcję przez 24 lata.",
        [
            "W zebraniu wyborczym wzięło udział 96 mieszkańców. Nowa sołtyska "
            "zapowiedziała starania o chodnik wzdłuż drogi powiatowej i plac "
            "zabaw przy świetlicy.",
            "Wójt i przewodnicząca rady podziękowali Henrykowi Nowakowi za lata "
            "pracy dla sołectwa.",
        ],
        "Rada Gminy",
        ["sołtys", "wybory"],
        ["stara-wies"],
        when=(3, 25),
    ),
    Article(
        "dyzury-wojta",
        "Wójt zaprasza na dyżury – bez zapisów",
        "W każdy poniedziałek od 13:00 do 16:00 mieszkańcy mogą porozmawiać z "
        "wójtem bez wcześniejszego umawiania się.",
        [
            "Dyżury odbywają się w gabinecie wójta na pierwszym piętrze urzędu. "
            "W pierwszy poniedziałek miesiąca wójt przyjmuje w świetlicach "
            "wiejskich – kolejno w każdym sołectwie.",
            "Sprawy pilne można zgłaszać w sekretariacie, telefonicznie lub "
            "przez skrzynkę ePUAP urzędu.",
        ],
        "Rada Gminy",
        ["wójt", "dyżur"],
        days_ago=10,
    ),
    # Sport
    Article(
        "turniej-o-puchar-wojta",
        "Turniej piłkarski o Puchar Wójta Gminy",
        "Osiem drużyn z sołectw, mecze po 2 × 15 minut i finał o 18:00. "
        "Zapraszamy na stadion LKS Zawada.",
        [
            "Do turnieju zgłosiły się drużyny z Zawady Górnej, Zawady Dolnej, "
            "Kamionki, Olszyn, Brzózek, Dębiny, Łazów i Józefowa. Mecze "
            "grupowe rozpoczną się o 10:00.",
            "Na zwycięzców czeka Puchar Wójta Gminy i sprzęt sportowy ufundowany "
            "przez sponsorów. W przerwach – pokaz ratownictwa OSP i strefa dla "
            "dzieci.",
        ],
        "Sport",
        ["piłka nożna", "turniej"],
        ["zawada-gorna", "olszyny", "debina"],
        when=(7, 12),
        image="sport",
    ),
    Article(
        "silownia-plenerowa-brzozki",
        "Nowa siłownia plenerowa w Brzózkach",
        "Osiem urządzeń do ćwiczeń i stół do tenisa stanęło przy boisku. "
        "Inwestycję sfinansowano z funduszu sołeckiego.",
        [
            "Siłownia jest dostępna dla wszystkich przez cały rok. Przy każdym "
            "urządzeniu umieszczono instrukcję ćwiczeń.",
            "Przypominamy, że dzieci do lat 14 mogą korzystać z urządzeń tylko "
            "pod opieką dorosłych.",
        ],
        "Sport",
        ["siłownia plenerowa", "rekreacja", "fundusz sołecki"],
        ["brzozki"],
        when=(5, 28),
        body_image=("sport", "Siłownia stanęła tuż przy boisku sportowym."),
    ),
    Article(
        "bieg-niepodleglosci",
        "Bieg Niepodległości – zapisy otwarte",
        "11 listopada pobiegniemy na 5 i 10 km ulicami Zawady Górnej. Dla "
        "dzieci biegi na 400 i 800 metrów.",
        [
            "Start i meta na Rynku. Zapisy przez formularz internetowy lub w "
            "dniu biegu do 10:30; opłata startowa wynosi 30 zł, dzieci biegną "
            "bezpłatnie.",
            "Każdy uczestnik otrzyma pamiątkowy medal i koszulkę w barwach "
            "narodowych. Prosimy o utrudnienia w ruchu w godzinach 11:00–13:00.",
        ],
        "Sport",
        ["bieg", "11 listopada"],
        ["zawada-gorna"],
        when=(10, 25),
        image="sport",
    ),
    Article(
        "lks-zawada-awans",
        "LKS Zawada awansował do klasy okręgowej",
        "Piłkarze LKS Zawada wygrali ligę z przewagą sześciu punktów. Po raz "
        "pierwszy od 1998 roku zagrają w klasie okręgowej.",
        [
            "O awansie przesądziło zwycięstwo 3:1 w przedostatniej kolejce. "
            "Najlepszym strzelcem drużyny został Kacper Bielecki z 19 golami.",
            "Gratulujemy zawodnikom, trenerowi i kibicom. Gmina dofinansuje "
            "klubowi zakup sprzętu i dojazdy na mecze wyjazdowe.",
        ],
        "Sport",
        ["LKS", "piłka nożna"],
        ["zawada-gorna"],
        when=(6, 20),
        body_image=(
            "sport",
            "Stadion LKS Zawada – od jesieni na mecze klasy okręgowej.",
        ),
    ),
]


def waste_schedule(period_start: date) -> Article:
    """The two-month collection schedule that starts on `period_start`.

    Dates are computed: each village group has its weekday, mixed waste every
    second week, segregated once a month, bio weekly from April to October.
    """
    months = [period_start.month, period_start.month + 1]
    year = period_start.year
    name = f"{MONTHS[months[0] - 1]} i {MONTHS[months[1] - 1]}"
    groups = [
        ("Zawada Górna, Zawada Dolna, Wola Zawadzka", 0),
        ("Kamionka, Olszyny, Brzózki, Dębina", 1),
        ("Łazy, Podlesie, Stara Wieś, Józefów", 2),
    ]
    items = []
    for villages, weekday in groups:
        days = []
        for month in months:
            day = date(year, month, 1)
            while day.weekday() != weekday:
                day += timedelta(days=1)
            while day.month == month:
                days.append(day)
                day += timedelta(days=7)
        mixed = days[::2]
        segregated = [d for d in days if d.day <= 7]
        bio = [d for d in days if 4 <= d.month <= 10 or d.day <= 7]
        items.append(
            f"<li><strong>{villages}</strong> ({WEEKDAYS[weekday]}): "
            f"zmieszane – {', '.join(_d(d) for d in mixed)}; "
            f"segregowane – {', '.join(_d(d) for d in segregated)}; "
            f"bio – {', '.join(_d(d) for d in bio)}.</li>"
        )
    notes = {
        1: "W styczniu odbieramy też choinki – wystawcie je obok pojemnika na "
        "bioodpady, bez ozdób i stojaków.",
        3: "Od kwietnia odbiór bioodpadów co tydzień. Popiół odbieramy razem z "
        "odpadami zmieszanymi do końca kwietnia.",
        5: "W maju i czerwcu skoszoną trawę można też oddać bezpłatnie w PSZOK.",
        7: "W upały prosimy o częste mycie pojemników na bioodpady; worki na bio "
        "wydaje sołtys.",
        9: "Od października popiół z pieców odbieramy razem z odpadami "
        "zmieszanymi – tylko ostudzony, w szczelnym pojemniku.",
        11: "W grudniu w dniach świątecznych odbiór może przesunąć się o jeden "
        "dzień; informację podamy w osobnym komunikacie.",
    }
    return Article(
        f"harmonogram-odbioru-odpadow-{_slug_month(months[0])}-"
        f"{_slug_month(months[1])}",
        f"Harmonogram odbioru odpadów: {name} {year}",
        f"Terminy odbioru odpadów zmieszanych, segregowanych i bioodpadów w "
        f"sołectwach na {MONTHS[months[0] - 1]} i {MONTHS[months[1] - 1]}. "
        "Pojemniki i worki wystawcie do 6:30.",
        [
            "Wywóz śmieci w każdym sołectwie: terminy poniżej. Odpady odbiera "
            "firma wyłoniona w przetargu gminnym. Pojemniki i worki należy "
            "wystawić przed posesję w dniu odbioru do godziny 6:30.",
            "<ul>" + "".join(items) + "</ul>",
            notes[months[0]],
            "Jeśli odpady nie zostały odebrane, zgłoście to do Referatu Ochrony "
            "Środowiska w ciągu dwóch dni roboczych: 13 441 20 15 wew. 24.",
        ],
        "Odpady",
        ["harmonogram", "odpady"],
        image="odpady" if months[0] in (1, 7) else None,
        published=period_start - timedelta(days=4),
    )


def _slug_month(month: int) -> str:
    return polish.fold(MONTHS[month - 1])


SESSION_AGENDAS = {
    1: ["przyjęcie planu pracy rady na bieżący rok",
        "zmiany w budżecie gminy",
        "program współpracy z organizacjami pozarządowymi – sprawozdanie",
        "dotacje dla spółek wodnych"],
    3: ["sprawozdanie z działalności Gminnego Ośrodka Pomocy Społecznej",
        "program opieki nad zwierzętami bezdomnymi",
        "dopłata do taryfy za wodę i ścieki",
        "zmiany w Wieloletniej Prognozie Finansowej"],
    4: ["sprzedaż działek budowlanych w Łazach",
        "regulamin utrzymania czystości i porządku w gminie",
        "nadanie nazw ulic w Zawadzie Dolnej"],
    6: ["raport o stanie gminy i debata",
        "wotum zaufania dla Wójta Gminy",
        "sprawozdanie finansowe i absolutorium"],
    9: ["informacja o wykonaniu budżetu za I półrocze",
        "przystąpienie do sporządzenia planu miejscowego dla Kamionki",
        "zmiany w budżecie gminy"],
    11: ["stawki podatku od nieruchomości i podatku rolnego",
         "opłata za gospodarowanie odpadami komunalnymi",
         "program współpracy z organizacjami pozarządowymi na kolejny rok"],
}  # fmt: skip

ROMAN = ["XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"]


def council_session(number: int, announced: date) -> Article:
    """The notice of the council session held a week after `announced`."""
    held = announced + timedelta(days=7)
    while held.weekday() != 3:  # sessions are held on Thursdays
        held += timedelta(days=1)
    agenda = SESSION_AGENDAS[announced.month]
    points = (
        ["otwarcie sesji i stwierdzenie quorum",
         "przyjęcie protokołu z poprzedniej sesji",
         "sprawozdanie wójta z pracy między sesjami"]
        + agenda
        + ["interpelacje i zapytania radnych", "wolne wnioski",
           "zamknięcie sesji"]
    )  # fmt: skip
    return Article(
        f"sesja-rady-gminy-{_slug_month(announced.month)}",
        f"Zawiadomienie o {ROMAN[number]} sesji Rady Gminy Zawada Górna",
        f"Przewodnicząca Rady Gminy zaprasza na sesję w czwartek "
        f"{_d(held)} o 10:00 w sali narad urzędu. Najważniejszy punkt: "
        f"{agenda[0]}.",
        [
            f"Na podstawie art. 20 ust. 1 ustawy o samorządzie gminnym zwołuję "
            f"{ROMAN[number]} sesję Rady Gminy Zawada Górna na dzień "
            f"{_d(held)} {held.year} r., godz. 10:00, sala narad Urzędu "
            f"Gminy, ul. Rynek 12.",
            "<p>Proponowany porządek obrad:</p><ol>"
            + "".join(f"<li>{p}</li>" for p in points)
            + "</ol>",
            "Obrady są transmitowane na żywo, a nagranie i imienne wyniki "
            "głosowań publikujemy w BIP. Sala narad jest dostępna dla osób "
            "na wózkach (winda od strony parkingu).",
            (
                "quote",
                "Zapraszam mieszkańców do udziału w sesji.",
                f"{PRZEWODNICZACA}, Przewodnicząca Rady Gminy",
            ),
        ],
        "Rada Gminy",
        ["sesja", "rada gminy"],
        image="urzad" if number % 2 == 0 else None,
        author="Biuro Rady Gminy",
        published=announced,
    )


HOME_INTRO = (
    "Oficjalny serwis Gminy Zawada Górna: aktualności z urzędu i sołectw, "
    "komunikaty pilne, harmonogramy odbioru odpadów i sprawy, które załatwicie "
    "bez wychodzenia z domu."
)

NEWS_INTRO = (
    "Wiadomości z Urzędu Gminy i sołectw. Obserwujcie kategorie i sołectwa, "
    "które was interesują."
)

CONTACT = [
    "<h2>Urząd Gminy Zawada Górna</h2>",
    "<p>ul. Rynek 12<br>38-214 Zawada Górna</p>",
    '<p>Telefon: <a href="tel:+48134412015">13 441 20 15</a><br>'
    'E-mail: <a href="mailto:sekretariat@zawada-gorna.example">'
    "sekretariat@zawada-gorna.example</a><br>"
    "Elektroniczna skrzynka podawcza ePUAP: /ugzawadagorna/SkrytkaESP</p>",
    "<h2>Godziny pracy</h2>",
    "<ul><li>poniedziałek: 8:00–16:00</li><li>wtorek–czwartek: 7:30–15:30</li>"
    "<li>piątek: 7:30–14:30</li></ul>",
    "<p>Kasa urzędu jest czynna do godziny 14:00. Wójt przyjmuje "
    "mieszkańców w poniedziałki w godzinach 13:00–16:00.</p>",
    "<h2>Referaty i numery wewnętrzne</h2>",
    "<ul><li>Sekretariat – wew. 10</li>"
    "<li>Urząd Stanu Cywilnego – wew. 15</li>"
    "<li>Ewidencja ludności i dowody osobiste – wew. 16</li>"
    "<li>Podatki i opłaty lokalne – wew. 20</li>"
    "<li>Ochrona środowiska i odpady – wew. 24</li>"
    "<li>Inwestycje i drogi – wew. 30</li>"
    "<li>Internet radiowy – wew. 31</li>"
    "<li>Dyżur kryzysowy (całą dobę) – wew. 50</li></ul>",
    "<h2>Dostępność</h2>",
    "<p>Wejście do urzędu od strony parkingu jest bez progów, a na piętro "
    "prowadzi winda. Na parterze jest toaleta dla osób z niepełnosprawnościami. "
    "Osoby głuche mogą załatwić sprawę z tłumaczem polskiego języka migowego – "
    "prosimy zgłosić to trzy dni wcześniej e-mailem lub SMS-em.</p>",
]

PRIVACY = [
    "<p>Zgodnie z art. 13 i 14 Rozporządzenia Parlamentu Europejskiego i Rady "
    "(UE) 2016/679 z dnia 27 kwietnia 2016 r. w sprawie ochrony osób fizycznych "
    "w związku z przetwarzaniem danych osobowych i w sprawie swobodnego "
    "przepływu takich danych (RODO) informujemy:</p>",
    "<h2>Administrator danych</h2>",
    "<p>Administratorem Pani/Pana danych osobowych jest Wójt Gminy Zawada Górna, "
    "ul. Rynek 12, 38-214 Zawada Górna, tel. 13 441 20 15, e-mail: "
    "sekretariat@zawada-gorna.example.</p>",
    "<h2>Inspektor ochrony danych</h2>",
    "<p>Administrator wyznaczył inspektora ochrony danych, z którym można się "
    "kontaktować we wszystkich sprawach dotyczących przetwarzania danych "
    'osobowych: e-mail <a href="mailto:iod@zawada-gorna.example">'
    "iod@zawada-gorna.example</a> lub pisemnie na adres urzędu z dopiskiem "
    "„Inspektor ochrony danych”.</p>",
    "<h2>Cele i podstawy prawne przetwarzania</h2>",
    "<ul>"
    "<li>wykonywanie zadań publicznych gminy i obowiązków prawnych "
    "administratora, w tym informowanie mieszkańców (art. 6 ust. 1 lit. c i e "
    "RODO, w związku z ustawą o samorządzie gminnym),</li>"
    "<li>prowadzenie korespondencji i odpowiadanie na pytania zadane przez "
    "formularze, e-mail i komunikatory (art. 6 ust. 1 lit. e RODO),</li>"
    "<li>wysyłanie powiadomień (e-mail, SMS, powiadomienia w przeglądarce) o "
    "wybranych przez Panią/Pana tematach i sołectwach – na podstawie zgody, "
    "którą można w każdej chwili wycofać (art. 6 ust. 1 lit. a RODO),</li>"
    "<li>zapewnienie bezpieczeństwa serwisu i zapobieganie nadużyciom "
    "(art. 6 ust. 1 lit. e RODO).</li>"
    "</ul>",
    "<h2>Odbiorcy danych</h2>",
    "<p>Dane mogą otrzymać wyłącznie podmioty uprawnione na podstawie "
    "przepisów prawa oraz podmioty, które przetwarzają je w imieniu "
    "administratora na podstawie umowy powierzenia: dostawca hostingu serwisu, "
    "operator bramki SMS i dostawca poczty elektronicznej. Jeżeli skontaktuje "
    "się Pani/Pan z nami przez Facebooka, dane przetwarza także Meta Platforms "
    "Ireland Ltd. jako odrębny administrator.</p>",
    "<h2>Okres przechowywania</h2>",
    "<p>Dane przechowujemy przez okres wynikający z przepisów o archiwizacji "
    "(Jednolity Rzeczowy Wykaz Akt), a dane przetwarzane na podstawie zgody – "
    "do jej wycofania. Adresy IP z dzienników serwera usuwamy po 30 dniach.</p>",
    "<h2>Statystyki odwiedzin</h2>",
    "<p>Serwis liczy odwiedziny stron bez ciasteczek i bez zapisywania adresów "
    "IP: co dokładnie liczymy i jak długo to przechowujemy, opisuje strona "
    '<a href="/statystyki/prywatnosc/">Statystyki odwiedzin a prywatność</a>.</p>',
    "<h2>Pani/Pana prawa</h2>",
    "<p>Ma Pani/Pan prawo dostępu do swoich danych, ich sprostowania, "
    "usunięcia lub ograniczenia przetwarzania, prawo do wniesienia sprzeciwu "
    "wobec przetwarzania oraz – gdy przetwarzanie odbywa się na podstawie zgody "
    "– prawo do jej wycofania w dowolnym momencie, bez wpływu na zgodność z "
    "prawem przetwarzania dokonanego przed wycofaniem.</p>",
    "<h2>Skarga do organu nadzorczego</h2>",
    "<p>Przysługuje Pani/Panu prawo wniesienia skargi do Prezesa Urzędu "
    "Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warszawa, jeżeli uzna "
    "Pani/Pan, że przetwarzanie danych narusza przepisy RODO.</p>",
    "<h2>Dobrowolność podania danych</h2>",
    "<p>Podanie danych jest dobrowolne, ale bez nich nie będziemy mogli "
    "odpowiedzieć na wiadomość ani wysyłać powiadomień. Dane nie są "
    "przekazywane do państw trzecich ani wykorzystywane do "
    "zautomatyzowanego podejmowania decyzji, w tym profilowania.</p>",
]

# Fields of the deklaracja dostępności (AccessibilityStatementPage); the
# loader sets those the model has. Dates are filled in by the loader.
ACCESSIBILITY = {
    "entity_name": "Urząd Gminy Zawada Górna",
    "status": "czesciowo",
    "non_accessible": (
        "<ul><li>Część plików PDF opublikowanych przed 2020 rokiem to skany bez "
        "warstwy tekstowej. Na prośbę przygotujemy ich dostępną wersję.</li>"
        "<li>Nagrania sesji Rady Gminy sprzed 2024 roku nie mają napisów.</li>"
        "</ul>"
    ),
    "exemptions": (
        "<ul><li>Mapy, w tym mapa sołectw, są wyłączone z obowiązku "
        "zapewnienia dostępności; opis granic sołectw jest na stronie "
        "„Sołectwa i sołtysi”.</li><li>Pliki biurowe opublikowane przed 23 "
        "września 2018 r.</li></ul>"
    ),
    "assessment_method": "samoocena",
    "contact_person": "Joanna Lisowska",
    "contact_email": "dostepnosc@zawada-gorna.example",
    "contact_phone": "13 441 20 15 wew. 12",
    "architecture": (
        "<p>Urząd Gminy mieści się w budynku przy ul. Rynek 12. Wejście od strony "
        "parkingu jest bez progów, a na piętro prowadzi winda. Na parkingu są "
        "dwa miejsca dla osób z niepełnosprawnościami. Na parterze jest toaleta "
        "dostosowana do potrzeb osób na wózkach.</p>"
        "<p>Do budynku można wejść z psem asystującym. W biurze podawczym "
        "działa pętla indukcyjna. Osoby głuche mogą załatwić sprawę z "
        "tłumaczem polskiego języka migowego – prosimy zgłosić to trzy dni "
        "robocze wcześniej.</p>"
    ),
}

SOLECTWA_INTRO = (
    "<p>Gmina Zawada Górna liczy 11 sołectw. Sołtysi pomagają w sprawach "
    "urzędowych, przyjmują zgłoszenia do internetu radiowego i wydają worki na "
    "bioodpady.</p>"
)

# (month, day) on which each session notice is published.
SESSION_NOTICES = [(1, 15), (3, 12), (4, 16), (6, 11), (9, 10), (11, 14)]
# First months of the two-month waste collection schedules.
WASTE_PERIODS = [1, 3, 5, 7, 9, 11]
