"""Reach per article and channel, combined reach, the articles export and the
"Zasięg wpisu" screen, on a fixture whose numbers are worked out by hand."""

import csv
import io
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ratusz.fans.digest import digest_item
from ratusz.fans.messages import compose_digest
from ratusz.fans.models import ChannelState, Follower, PushSubscription, Rhythm
from ratusz.insights import dashboard, reach
from ratusz.insights.export import ARTICLE_COLUMNS
from ratusz.insights.models import INTERNAL, DailyStat, PostMetric, ViewEvent
from ratusz.insights.rollup import roll_up
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase, make_article

from .test_rollup_export import RawEventsMixin

SENT, FAILED, PENDING = (
    Delivery.State.SENT,
    Delivery.State.FAILED,
    Delivery.State.PENDING,
)


class ReachFixtureMixin(RawEventsMixin):
    """Article X of gmina A, published two days ago.

    Deliveries (sent unless said otherwise), distinct recipients:
      e-mail: f1, f2, f3, an erased follower "follower:99" (f4 failed,
              f5 pending) → 4
      SMS:    f1, f4, "follower:99" → 3
      push:   f2 on two browsers, a browser whose follower left → 3
    People reached on at least one channel: f1, f2, f3, f4 (4) + the
    unlinked browser + the erased follower (2) = 6.

    Visits (v1… are visitor keys; D1 and D2 are rolled up, today is raw):
      D1: v1 e-mail + a click within the site (→ e-mail), v2 Facebook,
          v3 search, v4 direct twice, v5 Mastodon: 7 views, 5 visitors
      D2: v1 SMS, v6 another site: 2 views, 2 visitors
      today: v7 push, v3 search, v8 Facebook: 3 views, 3 visitors
    → 12 views, 10 visitors; notification clicks = e-mail 2 + SMS 1 +
    push 1 = 4; visitors not from a Ratusz link or Facebook = search 2 +
    direct 1 + Mastodon 1 + other 1 = 5.

    Facebook: 340 unique viewers (likes: Meta gives none). Mastodon: 1 + 2
    + 3 at 1 h, 2 + 4 + 6 at 24 h → 12 interactions at the latest reading.

    Combined reach = 6 + 340 + 5 = 351.
    """

    def setUp(self):
        super().setUp()
        self.d1 = self.today - timedelta(days=2)
        self.d2 = self.today - timedelta(days=1)
        self.article = make_article(self.gmina, "Festyn w Zawadzie", days_ago=2)

    def deliver(
        self, channel, recipient, state=SENT, follower=None, article=None, **kw
    ):
        article = article or self.article
        return Delivery.objects.create(
            gmina=kw.pop("gmina", self.gmina),
            item=f"article:{article.pk}",
            page=article,
            channel=channel,
            recipient=recipient,
            follower=follower,
            state=state,
            **kw,
        )

    def follower(self, n, gmina=None):
        return Follower.objects.create(
            gmina=gmina or self.gmina,
            email=f"f{n}@example.org",
            phone=f"+4860000000{n}",
        )

    def build(self):
        f = {n: self.follower(n) for n in range(1, 6)}
        for n in (1, 2, 3):
            self.deliver(Channel.EMAIL, f"follower:{n}", follower=f[n])
        self.deliver(Channel.EMAIL, "follower:4", FAILED, f[4])
        self.deliver(Channel.EMAIL, "follower:5", PENDING, f[5])
        self.deliver(Channel.EMAIL, "follower:99")
        for n in (1, 4):
            self.deliver(Channel.SMS, f"follower:{n}", follower=f[n])
        self.deliver(Channel.SMS, "follower:99")
        for n in (1, 2):
            subscription = PushSubscription.objects.create(
                follower=f[2],
                endpoint=f"https://push.example.org/{n}",
                p256dh="k",
                auth="a",
            )
            self.deliver(
                Channel.PUSH,
                f"push:{subscription.pk}",
                follower=f[2],
                push_subscription=subscription,
            )
        # A browser whose follower has since left: the row keeps its key only.
        self.deliver(Channel.PUSH, "push:9999")
        self.deliver(Channel.FACEBOOK, "page", remote_id="1_2")
        self.deliver(Channel.MASTODON, "page", remote_id="3")

        page = self.article.pk
        for minute, visitor, source in (
            (1, "v1", "email"),
            (2, "v1", INTERNAL),
            (3, "v2", "facebook"),
            (4, "v3", "search"),
            (5, "v4", "direct"),
            (6, "v4", "direct"),
            (7, "v5", "mastodon"),
        ):
            self.event(self.d1, minute, visitor, source, page=page)
        self.event(self.d1, 8, "v9", "direct", page=page + 1000)  # another page
        self.event(self.d2, 1, "v1", "sms", page=page)
        self.event(self.d2, 2, "v6", "other", page=page)
        roll_up(self.today)
        # Past their raw days the roll-ups alone must carry the numbers.
        ViewEvent.objects.filter(day__lt=self.today).delete()
        self.event(self.today, 1, "v7", "push", page=page)
        self.event(self.today, 2, "v3", "search", page=page)
        self.event(self.today, 3, "v8", "facebook", page=page)

        now = timezone.now()
        for metric, value in (
            ("post_total_media_view_unique", 340),
            ("post_media_view", 800),
            ("post_reactions_like_total", None),
            ("post_clicks", 12),
        ):
            PostMetric.objects.create(
                gmina=self.gmina,
                page_id=page,
                network="facebook",
                metric=metric,
                value=value,
                read_at=now,
            )
        for checkpoint, values in (("1h", (1, 2, 3)), ("24h", (2, 4, 6))):
            for metric, value in zip(
                ("replies_count", "reblogs_count", "favourites_count"),
                values,
                strict=True,
            ):
                PostMetric.objects.create(
                    gmina=self.gmina,
                    page_id=page,
                    network="mastodon",
                    metric=metric,
                    checkpoint=checkpoint,
                    value=value,
                    read_at=now,
                )

    def noise_in_other_gmina(self):
        """Another gmina's numbers under the same page id: never counted."""
        page = self.article.pk
        other = self.follower(7, self.other_gmina)
        self.deliver(
            Channel.EMAIL, "follower:7", follower=other, gmina=self.other_gmina
        )
        self.event(self.today, 9, "w1", "search", page=page, gmina=self.other_gmina)
        PostMetric.objects.create(
            gmina=self.other_gmina,
            page_id=page,
            network="facebook",
            metric="post_total_media_view_unique",
            value=5000,
            read_at=timezone.now(),
        )


class ArticleReachTestCase(ReachFixtureMixin, BaseTestCase):
    def test_every_channel_and_the_combined_reach(self):
        self.build()
        r = reach.article_reach(self.gmina, self.article)
        self.assertEqual(
            (r.email_delivered, r.sms_delivered, r.push_delivered), (4, 3, 3)
        )
        self.assertEqual(r.followers_reached, 6)
        self.assertEqual(r.posted_on, {"facebook", "mastodon"})
        self.assertEqual((r.views, r.visitors), (12, 10))
        self.assertEqual(
            r.sources,
            {
                "email": (2, 1),
                "facebook": (2, 2),
                "search": (2, 2),
                "direct": (2, 1),
                "mastodon": (1, 1),
                "sms": (1, 1),
                "other": (1, 1),
                "push": (1, 1),
            },
        )
        self.assertEqual(r.notification_clicks, 4)
        self.assertEqual(r.other_visitors, 5)
        self.assertEqual(r.facebook_views, 340)
        self.assertIsNone(r.facebook["post_reactions_like_total"])
        self.assertEqual(r.mastodon_interactions, 12)
        self.assertEqual(r.combined_reach, 351)
        self.assertEqual(r.combined_sum(), "6 + 340 + 5 = 351")
        self.assertTrue(r.url.endswith(self.article.url_path.split("/", 2)[-1]))

    def test_the_channel_table(self):
        self.build()
        rows = reach.channel_rows(reach.article_reach(self.gmina, self.article))
        self.assertEqual(
            rows,
            [
                ["E-mail", 4, 2, 1, ""],
                ["Powiadomienia w przeglądarce", 3, 1, 1, ""],
                ["SMS", 3, 1, 1, ""],
                ["Facebook", "wpis opublikowany", 2, 2, "unikalni widzowie: 340"],
                [
                    "Mastodon",
                    "wpis opublikowany",
                    1,
                    1,
                    "interakcje: 12; nie podaje zasięgu",
                ],
                ["Wyszukiwarki", "—", 2, 2, ""],
                ["Inne strony", "—", 1, 1, ""],
                ["Wejścia bezpośrednie", "—", 2, 1, ""],
                ["Razem na stronie gminy", "—", 12, 10, ""],
            ],
        )

    def test_a_missing_meta_metric_is_not_zero(self):
        self.build()
        PostMetric.objects.filter(metric="post_total_media_view_unique").update(
            value=None
        )
        r = reach.article_reach(self.gmina, self.article)
        self.assertIsNone(r.facebook_views)
        self.assertEqual(r.combined_reach, 6 + 0 + 5)
        self.assertEqual(
            reach.facebook_text(r), "unikalni widzowie: Meta nie udostępnia"
        )

    def test_an_article_nobody_saw(self):
        quiet = make_article(self.gmina, "Cisza")
        r = reach.article_reach(self.gmina, quiet)
        self.assertEqual((r.views, r.visitors, r.combined_reach), (0, 0, 0))
        self.assertIsNone(r.facebook_views)
        self.assertIsNone(r.mastodon_interactions)
        self.assertEqual(reach.facebook_text(r), "")

    def test_gminas_are_counted_apart(self):
        self.build()
        self.noise_in_other_gmina()
        r = reach.article_reach(self.gmina, self.article)
        self.assertEqual((r.combined_reach, r.views, r.email_delivered), (351, 12, 4))
        elsewhere = reach.article_reach(self.other_gmina, self.article)
        self.assertEqual(
            (elsewhere.email_delivered, elsewhere.views, elsewhere.facebook_views),
            (1, 1, 5000),
        )

    def test_daily_views(self):
        self.build()
        days = reach.daily_views(self.gmina, self.article)
        self.assertEqual(
            [(d.day, d.views, d.visitors) for d in days],
            [(self.d1, 7, 5), (self.d2, 2, 2), (self.today, 3, 3)],
        )

    def test_top_articles_and_weekly_reach(self):
        self.build()
        second = make_article(self.gmina, "Zebranie wiejskie", days_ago=1)
        self.event(self.today, 20, "v1", "direct", page=second.pk)
        make_article(self.gmina, "Stary wpis", days_ago=40)
        make_article(self.other_gmina, "Wpis sąsiadów", days_ago=1)
        since = self.today - timedelta(days=6)
        top = reach.top_articles(self.gmina, since, self.today)
        self.assertEqual(
            [(r.title, r.combined_reach) for r in top],
            [("Festyn w Zawadzie", 351), ("Zebranie wiejskie", 1)],
        )
        self.assertEqual(
            [r.url for r in top], [self.article.get_full_url(), second.get_full_url()]
        )
        self.assertEqual(len(reach.top_articles(self.gmina, since, self.today, 1)), 1)
        weeks = reach.weekly_reach(self.gmina, since, self.today)
        mondays = {w.monday: w for w in weeks}
        self.assertEqual(sum(w.combined_reach for w in weeks), 352)
        self.assertEqual(sum(w.articles for w in weeks), 2)
        self.assertTrue(all(m.weekday() == 0 for m in mondays))
        self.assertLessEqual(weeks[0].monday, since)
        self.assertGreater(weeks[-1].monday + timedelta(days=7), self.today)
        d1_monday = self.d1 - timedelta(days=self.d1.weekday())
        self.assertEqual(mondays[d1_monday].week, self.d1.isocalendar()[1])
        self.assertGreaterEqual(mondays[d1_monday].combined_reach, 351)

    def test_a_list_of_articles_costs_a_fixed_number_of_queries(self):
        self.build()
        since = self.today - timedelta(days=6)
        with CaptureQueriesContext(connection) as few:
            reach.articles_reach(self.gmina, since, self.today)
        for n in range(10):
            article = make_article(self.gmina, f"Wpis {n}", days_ago=1)
            self.event(self.today, 30 + n, f"x{n}", "direct", page=article.pk)
        with CaptureQueriesContext(connection) as many:
            reach.articles_reach(self.gmina, since, self.today)
        self.assertEqual(
            len(many), len(few), "\n".join(q["sql"] for q in many.captured_queries)
        )

    def test_the_rollup_keeps_an_articles_visits_per_source(self):
        self.event(self.d1, 1, "a", "facebook", page=7)
        self.event(self.d1, 2, "a", INTERNAL, page=8)
        self.event(self.d1, 3, "b", "sms", page=7)
        self.event(self.d1, 4, "c", "direct", page=None)
        roll_up(self.today)
        roll_up(self.today)  # idempotent
        self.assertEqual(
            {
                s.key: (s.views, s.visitors)
                for s in DailyStat.objects.filter(dimension="page_source")
            },
            {"7:facebook": (1, 1), "8:facebook": (1, 1), "7:sms": (1, 1)},
        )


class ArticlesExportTestCase(ReachFixtureMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.out = Path(tempfile.mkdtemp(prefix="insights-articles-"))
        self.addCleanup(shutil.rmtree, self.out, ignore_errors=True)

    def export(self, host="localhost"):
        call_command(
            "insights_export",
            f"--gmina={host}",
            f"--since={(self.today - timedelta(days=6)).isoformat()}",
            f"--until={self.today.isoformat()}",
            f"--out={self.out}",
            stdout=io.StringIO(),
        )
        with open(self.out / "articles.csv", encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    def test_columns_and_values(self):
        self.build()
        self.noise_in_other_gmina()
        rows = self.export()
        self.assertEqual(rows[0], ARTICLE_COLUMNS)
        self.assertEqual(
            rows[0],
            "url,title,views,visitors,email_delivered,push_delivered,sms_delivered,"
            "facebook_views,mastodon_interactions,notification_clicks,combined_reach".split(
                ","
            ),
        )
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            rows[1],
            [
                self.article.get_full_url(),
                "Festyn w Zawadzie",
                "12",
                "10",
                "4",
                "3",
                "3",
                "340",
                "12",
                "4",
                "351",
            ],
        )
        elsewhere = self.export("brzezie.localhost")
        self.assertEqual(elsewhere[1:], [])

    def test_missing_network_numbers_are_empty(self):
        self.build()
        PostMetric.objects.filter(metric="post_total_media_view_unique").update(
            value=None
        )
        PostMetric.objects.filter(network="mastodon").delete()
        row = self.export()[1]
        self.assertEqual(row[7:9], ["", ""])
        self.assertEqual(row[10], "11")

    def test_a_title_cannot_become_a_formula(self):
        make_article(self.gmina, '=HYPERLINK("http://zlo.example","x")')
        titles = [row[1] for row in self.export()[1:]]
        self.assertEqual(
            titles, ["Festyn w Zawadzie", '\'=HYPERLINK("http://zlo.example","x")']
        )


class ReachScreenTestCase(ReachFixtureMixin, BaseTestCase):
    def url(self, name="insights-article-reach", article=None):
        return reverse(name, args=[(article or self.article).pk])

    def test_staff_of_the_gmina_see_the_numbers(self):
        self.build()
        for user in (self.alice, self.bob, self.admin):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, 200, user)
        self.assertContains(
            response,
            "obserwujący 6 + Facebook 340 + pozostali odwiedzający 5 = <strong>351",
        )
        self.assertContains(response, "data-combined-reach>351<")
        self.assertContains(response, reach.FORMULA)
        self.assertContains(response, "Meta nie udostępnia")
        self.assertContains(response, reach.MASTODON_NO_REACH)
        self.assertContains(response, "<svg")
        self.assertContains(response, "sumę dziennych unikalnych odwiedzających")

    def test_another_gminas_staff_get_404_and_anonymous_the_login(self):
        self.client.force_login(self.charlie)
        for name in (
            "insights-article-reach",
            "insights-article-reach-csv",
            "insights-article-days-csv",
        ):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        self.client.logout()
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("wagtailadmin_login"), response["Location"])
        self.assertEqual(
            self.client.get(self.url("insights-article-reach-csv")).status_code, 302
        )

    def test_the_csv_exports_are_formula_safe(self):
        self.build()
        evil = make_article(self.gmina, "=1+1 Festyn")
        self.client.force_login(self.alice)
        response = self.client.get(self.url("insights-article-reach-csv", evil))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0], reach.CHANNEL_COLUMNS)
        self.assertEqual(rows[1][:2], ["Artykuł", "'=1+1 Festyn"])
        self.assertEqual(rows[-1][1], "0 + 0 + 0 = 0")

        response = self.client.get(self.url("insights-article-reach-csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertIn(["E-mail", "4", "2", "1", ""], rows)
        self.assertEqual(rows[-1][:2], ["Łączny zasięg", "6 + 340 + 5 = 351"])

        response = self.client.get(self.url("insights-article-days-csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(
            rows,
            [
                ["Dzień", "Wyświetlenia", "Odwiedzający"],
                [self.d1.isoformat(), "7", "5"],
                [self.d2.isoformat(), "2", "2"],
                [self.today.isoformat(), "3", "3"],
            ],
        )

    def test_the_notifications_screen_links_here(self):
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("fans-notifications", args=[self.article.pk])
        )
        self.assertContains(response, f'href="{self.url()}"')


class DashboardReachSectionTestCase(ReachFixtureMixin, BaseTestCase):
    """The dashboard's "Zasięg wpisów" shows the fixture's 351, per article
    and per week, with the formula and a link to the article's screen."""

    def section(self, since, until):
        sections = dashboard.build(self.gmina, dashboard.Period(since, until))
        return next(s for s in sections if s.slug == "zasieg")

    def test_the_article_of_the_period_and_its_combined_reach(self):
        self.build()
        self.noise_in_other_gmina()
        week = self.section(self.today - timedelta(days=6), self.today)
        top = dashboard.find_table([week], "wpisy")
        self.assertEqual(
            top.rows,
            [("Festyn w Zawadzie", self.d1, 4, 3, 3, 340, 12, 10, 351)],
        )
        self.assertEqual(
            [(f.label, f.value, f.previous) for f in week.figures],
            [("Łączny zasięg wpisów", 351, 0), ("Opublikowane wpisy", 1, 0)],
        )
        weeks = dashboard.find_table([week], "tygodnie")
        self.assertEqual(sum(row[2] for row in weeks.rows), 351)
        self.assertIn(reach.FORMULA, week.notes)
        self.assertEqual(
            week.extra["links"],
            [
                (
                    "Zasięg wpisu: Festyn w Zawadzie",
                    reverse("insights-article-reach", args=[self.article.pk]),
                )
            ],
        )
        # The next period has no article of its own; this one is "before".
        later = self.section(self.today + timedelta(days=1), self.today + timedelta(7))
        self.assertEqual(
            [(f.value, f.previous) for f in later.figures], [(0, 351), (0, 1)]
        )

    def test_the_dashboard_page_shows_it(self):
        self.build()
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("insights-dashboard", args=[self.gmina.pk]), {"dni": "7"}
        )
        self.assertContains(response, "Zasięg wpisów")
        self.assertContains(response, "Festyn w Zawadzie")
        self.assertContains(
            response, reverse("insights-article-reach", args=[self.article.pk])
        )


class DigestReachTestCase(ReachFixtureMixin, BaseTestCase):
    """The daily e-mail digest delivers an article only if it contained it.

    On top of the fixture (e-mail 4, people 6, combined 351), digests of
    today and tomorrow (the days a digest can hold article X):
      f6: X and Y, sent → counted;  f7: Y only, sent → not for X;
      f8: X, cancelled → not;  f1: X, sent, but f1 got X by e-mail already
      → once;  "follower:98" (erased): X, sent → counted;
      f9: planned with X and Z, Z unpublished before it went → X only;
      another gmina's digest naming X's id → never.
    X: e-mail 4 + f6 + 98 + f9 = 7; people 6 + 3 = 9; combined 9 + 340 + 5.
    """

    def setUp(self):
        super().setUp()
        self.build()
        self.y = make_article(self.gmina, "Zebranie wiejskie")
        self.z = make_article(self.gmina, "Sprostowanie")
        x = self.article.pk
        f = {n: self.digest_reader(n) for n in (6, 7, 8, 9)}
        f[1] = Follower.objects.get(gmina=self.gmina, email="f1@example.org")
        tomorrow = self.today + timedelta(days=1)
        self.digest(f[6], [x, self.y.pk])
        self.digest(f[7], [self.y.pk])
        self.digest(f[8], [x], state=Delivery.State.CANCELLED)
        # The fixture's rows name f1 "follower:1", as a digest of f1 would.
        self.digest(f[1], [x], day=tomorrow, recipient="follower:1")
        self.digest(None, [x], recipient="follower:98")
        self.z.unpublish()
        planned = self.digest(f[9], [x, self.z.pk], state=PENDING, day=tomorrow)
        self.assertIsNotNone(compose_digest(planned))
        Delivery.objects.filter(pk=planned.pk).update(state=SENT)
        other = self.follower(7, self.other_gmina)
        self.digest(other, [x], gmina=self.other_gmina)

    def digest_reader(self, n):
        follower = self.follower(n)
        follower.email_state = ChannelState.ACTIVE
        follower.email_rhythm = Rhythm.DAILY
        follower.save()
        return follower

    def digest(self, follower, articles, state=SENT, day=None, **kw):
        gmina = kw.pop("gmina", self.gmina)
        return Delivery.objects.create(
            gmina=gmina,
            item=digest_item(gmina, day or self.today),
            channel=Channel.EMAIL,
            recipient=kw.pop("recipient", None) or f"follower:{follower.pk}",
            follower=follower,
            payload={"articles": articles},
            state=state,
        )

    def test_the_digest_records_what_it_contained(self):
        sent = Delivery.objects.get(
            item__startswith="digest:", follower__email="f9@example.org"
        )
        self.assertEqual(sent.payload["articles"], [self.article.pk])

    def test_an_article_counts_as_delivered_only_in_digests_that_held_it(self):
        r = reach.article_reach(self.gmina, self.article)
        self.assertEqual(r.email_delivered, 7)
        self.assertEqual(r.followers_reached, 9)
        self.assertEqual(r.combined_reach, 9 + 340 + 5)
        y = reach.article_reach(self.gmina, self.y)
        self.assertEqual((y.email_delivered, y.followers_reached), (2, 2))
        z = reach.article_reach(self.gmina, self.z)
        self.assertEqual((z.email_delivered, z.followers_reached), (0, 0))

    def test_articles_csv(self):
        out = Path(tempfile.mkdtemp(prefix="insights-digests-"))
        self.addCleanup(shutil.rmtree, out, ignore_errors=True)
        call_command(
            "insights_export",
            "--gmina=localhost",
            f"--since={(self.today - timedelta(days=6)).isoformat()}",
            f"--until={self.today.isoformat()}",
            f"--out={out}",
            stdout=io.StringIO(),
        )
        with open(out / "articles.csv", encoding="utf-8", newline="") as f:
            rows = {row["title"]: row for row in csv.DictReader(f)}
        self.assertEqual(rows["Festyn w Zawadzie"]["email_delivered"], "7")
        self.assertEqual(rows["Festyn w Zawadzie"]["combined_reach"], "354")
        self.assertEqual(rows["Zebranie wiejskie"]["email_delivered"], "2")
