"""A reply-only e-mail token per conversation, separate from the page token.

Existing conversations get a fresh random one: their old Reply-To addresses
(which carried the page token) no longer add to the conversation.
"""

import secrets

from django.db import migrations, models

import ratusz.messenger.models


def give_reply_tokens(apps, schema_editor):
    Conversation = apps.get_model("messenger", "Conversation")
    pending = Conversation.objects.filter(reply_token__isnull=True).only("pk")
    for conversation in pending.iterator(chunk_size=500):
        conversation.reply_token = secrets.token_urlsafe(32)
        conversation.save(update_fields=["reply_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("messenger", "0002_message_seq"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="reply_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_reply_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conversation",
            name="reply_token",
            field=models.CharField(
                default=ratusz.messenger.models.new_token,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
