"""How long `suggest_procedures` takes with 100 procedure pages.

Not part of the suite (timings depend on the machine); run it explicitly:

    DATABASE_URL= .venv/bin/python -m pytest -q -s \\
        ratusz/website/tests/bench_procedures.py
"""

import statistics
import sys
import time

from ratusz.test import BaseTestCase
from ratusz.website import procedures
from ratusz.website.demo.procedures import PROCEDURES
from ratusz.website.procedures import suggest_procedures

from .factory_procedures import make_demo_procedures, make_procedure

QUESTIONS = [
    "Jak wyrobić dowód dla dziecka?",
    "kiedy trzeba zapłacić podatek od domu",
    "chcę wyciąć drzewo na działce",
    "gdzie zgłosić dziurę w drodze",
    "śmieci nie odebrali",
    "Dzień dobry, potrzebuję odpisu aktu urodzenia syna, co mam zrobić?",
]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class SuggestionBench(BaseTestCase):
    def test_bench_100_procedures(self):
        make_demo_procedures(self.gmina)
        n = len(PROCEDURES)
        # Variants of the demo pages until there are 100 procedures.
        for i in range(100 - n):
            spec = PROCEDURES[i % n]
            make_procedure(
                self.gmina,
                f"{spec.title} (wariant {i})",
                summary=spec.summary,
                body="".join(spec.body),
                documents_needed="\n".join(spec.documents),
                fees=spec.fees,
            )
        site = self.gmina.site
        procedures.forget_indexes()
        start = time.perf_counter()
        suggest_procedures(site, QUESTIONS[0])
        cold = time.perf_counter() - start
        warm = []
        for _ in range(20):
            for question in QUESTIONS:
                start = time.perf_counter()
                suggest_procedures(site, question)
                warm.append(time.perf_counter() - start)
        warm.sort()
        sys.stdout.write(
            f"\n100 procedures: cold (index built) {_ms(cold)}; warm over "
            f"{len(warm)} calls: median {_ms(statistics.median(warm))}, "
            f"p95 {_ms(warm[int(len(warm) * 0.95)])}, max {_ms(warm[-1])}\n"
        )
