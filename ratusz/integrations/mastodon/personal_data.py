"""Mastodon personal-looking fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import register

register(
    exempt={
        "mastodon.MastodonAccount.account_name": "the gmina's own Mastodon account",
    }
)
