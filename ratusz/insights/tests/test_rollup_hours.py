"""The "hour" roll-up is Warsaw's clock, also on the days it changes."""

from datetime import UTC, date, datetime

from ratusz.insights.models import DailyStat, ViewEvent
from ratusz.insights.rollup import roll_up_day
from ratusz.test import BaseTestCase


class HourRollupTestCase(BaseTestCase):
    def view(self, day, utc_hour, minute, visitor):
        ViewEvent.objects.create(
            gmina=self.gmina,
            day=day,
            at=datetime(day.year, day.month, day.day, utc_hour, minute, tzinfo=UTC),
            page_id=1,
            path="/",
            visitor=visitor,
            source="direct",
            device="phone",
        )

    def hours(self, day):
        return {
            s.key: (s.views, s.visitors)
            for s in DailyStat.objects.filter(
                gmina=self.gmina, day=day, dimension=DailyStat.HOUR
            )
        }

    def test_spring_forward(self):
        # 29 March 2026: at 02:00 CET the clocks jump to 03:00 CEST.
        day = date(2026, 3, 29)
        self.view(day, 0, 30, "a")  # 01:30 CET
        self.view(day, 1, 30, "b")  # 03:30 CEST: 02:xx never happened
        self.view(day, 17, 0, "a")  # 19:00 CEST
        self.view(day, 17, 40, "c")
        roll_up_day(self.gmina.pk, day)
        self.assertEqual(self.hours(day), {"01": (1, 1), "03": (1, 1), "19": (2, 2)})

    def test_fall_back(self):
        # 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:xx comes twice.
        day = date(2026, 10, 25)
        self.view(day, 0, 30, "a")  # 02:30 CEST
        self.view(day, 1, 30, "a")  # 02:30 CET
        self.view(day, 22, 59, "b")  # 23:59 CET
        roll_up_day(self.gmina.pk, day)
        self.assertEqual(self.hours(day), {"02": (2, 1), "23": (1, 1)})
        site = DailyStat.objects.get(gmina=self.gmina, day=day, dimension="site")
        self.assertEqual((site.views, site.visitors), (3, 2))
