"""The demo gmina's "Jak załatwić sprawę" pages.

Fees are the real Polish ones where the law sets them (opłata skarbowa, USC
fees); online services link to the gov.pl services of the same name. Office
e-mail addresses stay in the reserved `.example` domain.
"""

from dataclasses import dataclass, field
from datetime import date

INDEX_SLUG = "jak-zalatwic-sprawe"
INDEX_TITLE = "Jak załatwić sprawę"
INDEX_INTRO = (
    "Opisy spraw, które najczęściej załatwiają mieszkańcy: gdzie pójść, co "
    "zabrać, ile to kosztuje i jak długo trwa. Wiele z nich załatwisz też "
    "przez internet."
)
GOV = "https://www.gov.pl/web/gov/"
HOURS_USC = "poniedziałek: 8:00–16:00\nwtorek–piątek: 7:30–14:30"

OBYWATELSKIE = {
    "office": "Referat Spraw Obywatelskich",
    "contact_person": "Katarzyna Nowak",
    "room": "pokój nr 3 (parter)",
    "phone": "+48 13 441 20 21",
    "email": "ewidencja@zawada-gorna.example",
}
PODATKI = {
    "office": "Referat Finansowy – podatki i opłaty lokalne",
    "contact_person": "Anna Dudek",
    "room": "pokój nr 12 (I piętro)",
    "phone": "+48 13 441 20 25",
    "email": "podatki@zawada-gorna.example",
}
KOMUNALNY = {
    "office": "Referat Gospodarki Komunalnej i Ochrony Środowiska",
    "contact_person": "Piotr Wrona",
    "room": "pokój nr 14 (I piętro)",
    "phone": "+48 13 441 20 27",
    "email": "odpady@zawada-gorna.example",
}
DROGI = {
    "office": "Referat Inwestycji i Dróg",
    "contact_person": "Marcin Kozioł",
    "room": "pokój nr 16 (I piętro)",
    "phone": "+48 13 441 20 29",
    "email": "drogi@zawada-gorna.example",
}
GOPS = {
    "office": "Gminny Ośrodek Pomocy Społecznej",
    "room": "parter, wejście od podwórza",
    "phone": "+48 13 441 22 40",
    "email": "gops@zawada-gorna.example",
    "address": "Gminny Ośrodek Pomocy Społecznej\nul. Szkolna 3\n38-214 Zawada Górna",
    "office_hours": "poniedziałek–piątek: 7:30–15:30",
}
USC = {
    "office": "Urząd Stanu Cywilnego",
    "contact_person": "Elżbieta Mroczek, kierownik USC",
    "room": "pokój nr 4 (parter)",
    "phone": "+48 13 441 20 23",
    "email": "usc@zawada-gorna.example",
    "office_hours": HOURS_USC,
}


@dataclass
class Procedure:
    slug: str
    title: str
    summary: str
    body: list[str]
    contact: dict
    documents: list[str] = field(default_factory=list)
    fees: str = ""
    duration: str = ""
    legal_deadline: str = ""
    online_url: str = ""
    online_label: str = ""
    legal_basis: list[str] = field(default_factory=list)
    category: str = ""
    reviewed_on: date | None = None


PROCEDURES = [
    Procedure(
        slug="dowod-osobisty",
        title="Dowód osobisty",
        summary="Wniosek o wydanie dowodu osobistego – dla dorosłego i dla "
        "dziecka, po utracie, zmianie nazwiska lub gdy dowód traci ważność.",
        contact=OBYWATELSKIE,
        documents=[
            "jedno aktualne kolorowe zdjęcie 35 × 45 mm",
            "dotychczasowy dowód osobisty (jeśli go masz)",
            "dla dziecka: obecność dziecka i rodzica lub opiekuna prawnego",
        ],
        fees="bezpłatnie",
        duration="do 30 dni (zwykle 2–3 tygodnie)",
        legal_deadline="wniosek najpóźniej 30 dni przed upływem ważności dowodu",
        online_url=GOV + "uzyskaj-dowod-osobisty",
        online_label="Złóż wniosek o dowód przez internet (gov.pl)",
        legal_basis=["Ustawa z dnia 6 sierpnia 2010 r. o dowodach osobistych"],
        body=[
            "<p>Dowód osobisty możesz wyrobić w dowolnym urzędzie gminy w "
            "Polsce. Wniosek złożysz w urzędzie albo przez internet, jeśli masz "
            "profil zaufany lub e-dowód.</p>",
            "<h3>Dowód dla dziecka</h3>",
            "<p>Wniosek o dowód osobisty dla dziecka składa rodzic lub opiekun "
            "prawny. Dziecko, które skończyło 5 lat, musi przyjść do urzędu "
            "przy składaniu wniosku; od 12 lat pobieramy też odciski palców. "
            "Dowód dziecka do 5 lat jest ważny 5 lat, starszego – 10 lat.</p>",
            "<p>Po odbiór dowodu przyjdź osobiście – dostaniesz SMS lub e-mail, "
            "gdy dokument będzie gotowy. Utratę lub kradzież dowodu zgłoś od "
            "razu, także przez internet.</p>",
        ],
        reviewed_on=date(2026, 1, 12),
        category="Dowody i meldunki",
    ),
    Procedure(
        slug="zameldowanie",
        title="Zameldowanie na pobyt stały lub czasowy",
        summary="Jak się zameldować po przeprowadzce do gminy – w urzędzie "
        "albo przez internet.",
        contact=OBYWATELSKIE,
        documents=[
            "dowód osobisty lub paszport",
            "tytuł prawny do lokalu (np. akt notarialny, umowa najmu) do wglądu",
            "formularz zgłoszenia pobytu stałego lub czasowego",
        ],
        fees="bezpłatnie",
        duration="od ręki",
        legal_deadline="najpóźniej 30. dnia od przybycia do nowego miejsca",
        online_url=GOV + "zamelduj-sie-na-pobyt-staly-lub-czasowy",
        online_label="Zamelduj się przez internet (gov.pl)",
        legal_basis=["Ustawa z dnia 24 września 2010 r. o ewidencji ludności"],
        body=[
            "<p>Meldunek na pobyt stały i czasowy zgłaszasz w urzędzie gminy, "
            "w której mieszkasz. Zameldowanie na pobyt stały w nowym miejscu "
            "oznacza jednoczesne wymeldowanie z poprzedniego adresu.</p>",
            "<p>Jeśli nie jesteś właścicielem mieszkania lub domu, właściciel "
            "potwierdza Twój pobyt podpisem na formularzu.</p>",
        ],
        reviewed_on=date(2026, 1, 12),
        category="Dowody i meldunki",
    ),
    Procedure(
        slug="podatek-od-nieruchomosci",
        title="Podatek od nieruchomości – informacja i terminy płatności",
        summary="Kiedy zapłacić podatek od domu, mieszkania lub działki i jak "
        "zgłosić nową nieruchomość.",
        contact=PODATKI,
        documents=[
            "informacja o nieruchomościach i obiektach budowlanych (IN-1)",
            "akt notarialny lub inny dokument nabycia nieruchomości",
        ],
        fees="stawki podatku określa uchwała Rady Gminy na dany rok",
        duration="decyzję wymiarową doręczamy do końca lutego",
        legal_deadline="raty: do 15 marca, 15 maja, 15 września i 15 listopada; "
        "informację IN-1 składasz w ciągu 14 dni od nabycia",
        online_url=GOV + "zaplac-podatek-od-nieruchomosci",
        online_label="Zapłać podatek przez internet (gov.pl)",
        legal_basis=[
            "Ustawa z dnia 12 stycznia 1991 r. o podatkach i opłatach lokalnych",
            "Uchwała Rady Gminy Zawada Górna w sprawie stawek podatku od nieruchomości",
        ],
        body=[
            "<p>Podatek od nieruchomości płacą właściciele domów, mieszkań, "
            "budynków i gruntów. Osoby fizyczne dostają decyzję z kwotą do "
            "zapłaty; podatek płaci się w czterech ratach, a gdy nie przekracza "
            "100 zł – jednorazowo do 15 marca.</p>",
            "<p>Po zakupie, budowie domu lub odziedziczeniu działki złóż "
            "informację IN-1 w ciągu 14 dni. Zapłacić możesz przelewem na "
            "indywidualny rachunek podany w decyzji albo w kasie urzędu.</p>",
        ],
        reviewed_on=date(2026, 2, 2),
        category="Podatki",
    ),
    Procedure(
        slug="deklaracja-odpady",
        title="Deklaracja o wysokości opłaty za gospodarowanie odpadami",
        summary="Złóż deklarację śmieciową, gdy się wprowadzasz lub zmienia się "
        "liczba mieszkańców domu.",
        category="Odpady",
        contact=KOMUNALNY,
        documents=["wypełniona deklaracja (formularz do pobrania lub w urzędzie)"],
        fees="bezpłatnie; stawkę opłaty za odpady określa uchwała Rady Gminy",
        duration="deklaracja obowiązuje od dnia złożenia",
        legal_deadline="14 dni od zamieszkania; zmianę do 10. dnia następnego miesiąca",
        online_url=GOV + "zloz-deklaracje-o-wysokosci-oplaty-za-gospodarowanie-"
        "odpadami-komunalnymi",
        online_label="Złóż deklarację przez internet (gov.pl)",
        legal_basis=[
            "Ustawa z dnia 13 września 1996 r. o utrzymaniu czystości i "
            "porządku w gminach"
        ],
        body=[
            "<p>Deklarację składa właściciel nieruchomości, na której mieszkają "
            "ludzie. Opłatę za wywóz odpadów komunalnych liczymy od liczby "
            "mieszkańców; kompostownik przydomowy obniża stawkę.</p>",
            "<p>Opłatę płacisz co miesiąc do 15. dnia, bez wezwania.</p>",
        ],
    ),
    Procedure(
        slug="nieodebrane-odpady",
        title="Nieodebrane odpady – reklamacja wywozu",
        summary="Firma nie odebrała odpadów w dniu wywozu z harmonogramu? "
        "Zgłoś reklamację, a odbierzemy je w ciągu 2 dni roboczych.",
        category="Odpady",
        contact=KOMUNALNY,
        documents=["adres nieruchomości i rodzaj nieodebranych odpadów"],
        fees="bezpłatnie",
        duration="odbiór w ciągu 2 dni roboczych od zgłoszenia",
        legal_deadline="zgłoś najpóźniej następnego dnia roboczego po terminie "
        "z harmonogramu",
        body=[
            "<p>Jeśli śmieciarka nie przyjechała albo zabrała tylko część "
            "pojemników lub worków, zadzwoń albo napisz e-mail. Podaj adres, "
            "datę i rodzaj odpadów (zmieszane, papier, szkło, metale i "
            "tworzywa, bio).</p>",
        ],
    ),
    Procedure(
        slug="odpady-wielkogabarytowe",
        title="Odbiór odpadów wielkogabarytowych",
        summary="Jak oddać stare meble, materace i dywany: zbiórka sprzed domu "
        "dwa razy w roku albo PSZOK.",
        category="Odpady",
        contact=KOMUNALNY,
        documents=["zgłoszenie: adres i lista rzeczy do odbioru"],
        fees="bezpłatnie, w ramach opłaty za odpady",
        duration="według harmonogramu zbiórek (wiosna i jesień)",
        legal_deadline="zgłoszenie najpóźniej 3 dni przed zbiórką",
        body=[
            "<p>Meble, materace, dywany, wózki i duże zabawki wystaw przed "
            "posesję w dniu zbiórki do 6:00. Przez cały rok możesz je też "
            "przywieźć do Punktu Selektywnej Zbiórki Odpadów Komunalnych "
            "(PSZOK) przy ul. Polnej 8.</p>",
            "<p>Zbiórka nie obejmuje gruzu, opon z ciężarówek ani odpadów z "
            "remontu prowadzonego przez firmę.</p>",
        ],
    ),
    Procedure(
        slug="wycinka-drzew",
        title="Zezwolenie na wycinkę drzew i krzewów",
        summary="Kiedy wyciąć drzewo na swojej działce wolno po zgłoszeniu, "
        "a kiedy potrzebne jest zezwolenie wójta.",
        contact=KOMUNALNY,
        documents=[
            "zgłoszenie zamiaru usunięcia drzewa albo wniosek o zezwolenie",
            "rysunek lub mapka z zaznaczonym drzewem",
            "zgoda właściciela działki, jeśli nim nie jesteś",
        ],
        fees="zgłoszenie i zezwolenie dla osób prywatnych – bezpłatnie; "
        "pełnomocnictwo – 17 zł opłaty skarbowej",
        duration="oględziny w ciągu 21 dni od zgłoszenia; potem 14 dni na "
        "ewentualny sprzeciw",
        legal_deadline="wyciąć drzewo trzeba w ciągu 6 miesięcy od oględzin",
        legal_basis=[
            "Ustawa z dnia 16 kwietnia 2004 r. o ochronie przyrody, art. 83–83f"
        ],
        body=[
            "<p>Jeśli chcesz usunąć drzewo z własnej działki i nie ma to "
            "związku z działalnością gospodarczą, wystarczy zgłoszenie – gdy "
            "obwód pnia na wysokości 5 cm przekracza 80 cm (topola, wierzba, "
            "klon jesionolistny), 65 cm (kasztanowiec, robinia, platan) lub "
            "50 cm (pozostałe drzewa).</p>",
            "<p>Urzędnik przyjedzie na oględziny. Jeśli w ciągu 14 dni od nich "
            "gmina nie wniesie sprzeciwu, możesz wyciąć drzewo. Przed wycinką "
            "sprawdź, czy na drzewie nie ma gniazd ptaków.</p>",
        ],
    ),
    Procedure(
        slug="zajecie-pasa-drogowego",
        title="Zajęcie pasa drogowego drogi gminnej",
        summary="Zezwolenie na roboty lub postawienie czegoś w pasie drogi "
        "gminnej, np. przyłącze, rusztowanie, zjazd.",
        category="Drogi",
        contact=DROGI,
        documents=[
            "wniosek o zezwolenie na zajęcie pasa drogowego",
            "plan sytuacyjny z zaznaczoną zajmowaną powierzchnią",
            "projekt organizacji ruchu (przy robotach w jezdni)",
        ],
        fees="opłata za każdy dzień zajęcia 1 m² według uchwały Rady Gminy; "
        "zezwolenie – decyzja bez opłaty skarbowej",
        duration="decyzja w ciągu 30 dni",
        legal_deadline="wniosek złóż co najmniej 30 dni przed rozpoczęciem robót",
        legal_basis=["Ustawa z dnia 21 marca 1985 r. o drogach publicznych, art. 40"],
        body=[
            "<p>Zezwolenie jest potrzebne na roboty w pasie drogowym, "
            "umieszczenie w nim urządzeń (np. przyłącza wody lub gazu) i na "
            "zajęcie pasa w innym celu, np. pod rusztowanie lub kontener.</p>",
        ],
    ),
    Procedure(
        slug="zgloszenie-uszkodzenia-drogi",
        title="Zgłoszenie uszkodzenia drogi gminnej",
        summary="Dziura w jezdni, zapadnięty przepust, przewrócony znak – "
        "zgłoś uszkodzenie drogi, a zlecimy naprawę.",
        category="Drogi",
        contact=DROGI,
        documents=["miejsce (miejscowość, ulica, numer domu), opis i zdjęcie"],
        fees="bezpłatnie",
        duration="zabezpieczenie miejsca od razu, naprawa zwykle do 7 dni",
        body=[
            "<p>Uszkodzenia dróg gminnych, chodników, poboczy i rowów zgłaszaj "
            "telefonicznie, e-mailem albo przez komunikator na stronie. "
            "Dołącz zdjęcie, jeśli możesz – szybciej ocenimy, czy wybój trzeba "
            "zabezpieczyć od razu.</p>",
            "<p>Drogi powiatowe i wojewódzkie mają innych zarządców: przekażemy "
            "im Twoje zgłoszenie.</p>",
        ],
    ),
    Procedure(
        slug="dodatek-mieszkaniowy",
        title="Dodatek mieszkaniowy i dodatek energetyczny",
        summary="Pomoc w opłatach za mieszkanie dla osób o niskich dochodach "
        "oraz dodatek energetyczny dla odbiorców wrażliwych.",
        contact=GOPS,
        documents=[
            "wniosek o dodatek mieszkaniowy",
            "deklaracja o dochodach gospodarstwa domowego za 3 miesiące",
            "dokument potwierdzający tytuł prawny do lokalu",
            "umowa z dostawcą energii (dodatek energetyczny)",
        ],
        fees="bezpłatnie",
        duration="decyzja do 1 miesiąca",
        legal_deadline="dodatek przyznajemy na 6 miesięcy od miesiąca po "
        "złożeniu wniosku",
        online_url=GOV + "zloz-wniosek-o-dodatek-mieszkaniowy",
        online_label="Złóż wniosek przez internet (gov.pl)",
        legal_basis=[
            "Ustawa z dnia 21 czerwca 2001 r. o dodatkach mieszkaniowych",
            "Ustawa z dnia 10 kwietnia 1997 r. – Prawo energetyczne",
        ],
        body=[
            "<p>O dodatek mieszkaniowy może wystąpić najemca lub właściciel "
            "mieszkania albo domu, jeśli średni miesięczny dochód w rodzinie "
            "nie przekracza progu z ustawy, a powierzchnia lokalu normy.</p>",
            "<p>Osoba, która dostaje dodatek mieszkaniowy, może też dostać "
            "dodatek energetyczny do rachunków za prąd.</p>",
        ],
    ),
    Procedure(
        slug="karta-duzej-rodziny",
        title="Karta Dużej Rodziny",
        summary="Zniżki dla rodzin z co najmniej trojgiem dzieci – tradycyjna "
        "karta i aplikacja mKDR.",
        contact=GOPS,
        documents=[
            "wniosek o Kartę Dużej Rodziny",
            "dowody osobiste rodziców, akty urodzenia lub PESEL dzieci",
            "dla dzieci 18–25 lat: zaświadczenie ze szkoły lub uczelni",
        ],
        fees="karta bezpłatnie; duplikat – opłata według ustawy",
        duration="do 30 dni",
        online_url=GOV + "uzyskaj-karte-duzej-rodziny",
        online_label="Złóż wniosek o kartę przez internet (gov.pl)",
        legal_basis=["Ustawa z dnia 5 grudnia 2014 r. o Karcie Dużej Rodziny"],
        body=[
            "<p>Kartę dostaje każdy członek rodziny wielodzietnej: rodzice "
            "(także zastępczy) i dzieci do 18 lat, a uczące się – do 25 lat. "
            "Rodzice mogą mieć kartę dożywotnio.</p>",
        ],
    ),
    Procedure(
        slug="odpis-aktu-stanu-cywilnego",
        title="Odpis aktu stanu cywilnego (urodzenia, małżeństwa, zgonu)",
        summary="Odpis skrócony lub zupełny aktu urodzenia, małżeństwa albo "
        "zgonu – w urzędzie lub przez internet.",
        contact=USC,
        documents=["dowód osobisty", "potwierdzenie zapłaty opłaty skarbowej"],
        fees="odpis skrócony: 22 zł, odpis zupełny: 33 zł opłaty skarbowej",
        duration="od ręki, najpóźniej 10 dni roboczych",
        online_url=GOV + "uzyskaj-odpis-aktu-stanu-cywilnego",
        online_label="Zamów odpis aktu przez internet (gov.pl)",
        legal_basis=[
            "Ustawa z dnia 28 listopada 2014 r. – Prawo o aktach stanu cywilnego",
            "Ustawa z dnia 16 listopada 2006 r. o opłacie skarbowej",
        ],
        body=[
            "<p>Odpis aktu możesz dostać w każdym urzędzie stanu cywilnego, "
            "nie tylko tam, gdzie akt sporządzono. Odpis wydajemy osobie, "
            "której akt dotyczy, jej małżonkowi, rodzeństwu, wstępnym i "
            "zstępnym oraz osobom, które mają interes prawny.</p>",
        ],
    ),
    Procedure(
        slug="wniosek-o-dostepnosc-cyfrowa",
        title="Wniosek o zapewnienie dostępności cyfrowej",
        summary="Strona lub dokument gminy jest dla Ciebie niedostępny? "
        "Zażądaj dostępnej wersji albo innego sposobu dostępu (art. 18).",
        contact={
            "office": "Koordynator do spraw dostępności",
            "contact_person": "Joanna Lisowska",
            "room": "pokój nr 7 (parter)",
            "phone": "+48 13 441 20 18",
            "email": "dostepnosc@zawada-gorna.example",
        },
        documents=[
            "Twoje dane kontaktowe",
            "wskazanie strony, dokumentu lub elementu, o który chodzi",
            "preferowany sposób udostępnienia informacji",
        ],
        fees="bezpłatnie",
        duration="do 7 dni",
        legal_deadline="najpóźniej 2 miesiące, jeśli 7 dni nie wystarczy",
        legal_basis=[
            "Ustawa z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron "
            "internetowych i aplikacji mobilnych podmiotów publicznych, art. 18"
        ],
        body=[
            "<p>Każdy może zażądać zapewnienia dostępności cyfrowej strony "
            "internetowej, jej elementu lub dokumentu, np. odczytania pliku "
            "PDF lub opisania zdjęcia. Jeśli odmówimy, możesz złożyć skargę, "
            "a potem wniosek do Rzecznika Praw Obywatelskich.</p>",
        ],
        category="Dostępność",
    ),
    Procedure(
        slug="zaswiadczenie-o-niezaleganiu",
        title="Zaświadczenie o niezaleganiu w podatkach",
        summary="Zaświadczenie, że nie masz zaległości w podatkach lokalnych, "
        "np. do dotacji, przetargu lub kredytu.",
        contact=PODATKI,
        documents=[
            "wniosek o wydanie zaświadczenia",
            "potwierdzenie zapłaty opłaty skarbowej",
        ],
        fees="17 zł opłaty skarbowej",
        duration="do 7 dni",
        online_url=GOV + "uzyskaj-zaswiadczenie-o-niezaleganiu-w-podatkach",
        online_label="Złóż wniosek przez internet (gov.pl)",
        legal_basis=[
            "Ustawa z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa, art. 306a–306e",
            "Ustawa z dnia 16 listopada 2006 r. o opłacie skarbowej",
        ],
        body=[
            "<p>Opłatę skarbową zapłać przelewem na rachunek gminy albo w kasie "
            "urzędu. Zaświadczenie odbierzesz osobiście lub dostaniesz pocztą "
            "albo na skrzynkę ePUAP.</p>",
        ],
        category="Podatki",
    ),
]
