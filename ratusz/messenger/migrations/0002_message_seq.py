"""Message.seq: the order in which messages become visible, given by the
database as the inserting transaction commits.

PostgreSQL: a deferred constraint trigger runs inside COMMIT. It takes the
gmina's row lock (FOR NO KEY UPDATE) and numbers the row from a sequence; the
lock is held until the commit is complete, so a gmina's numbers become
visible in order, while the lock is held only for the commit itself (no
round trip to the application, which may be waiting for its turn to run).

SQLite has one writer at a time: ids already commit in order, seq = id.
"""

from django.db import migrations, models

POSTGRES_UP = [
    "CREATE SEQUENCE messenger_message_seq_counter",
    """
    SELECT setval(
        'messenger_message_seq_counter',
        COALESCE((SELECT MAX(id) FROM messenger_message), 0) + 1,
        false
    )
    """,
    "UPDATE messenger_message SET seq = id",
    """
    CREATE FUNCTION messenger_message_commit_seq() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM gminas_gmina g
            JOIN messenger_conversation c ON c.gmina_id = g.id
            WHERE c.id = NEW.conversation_id
            FOR NO KEY UPDATE OF g;
        UPDATE messenger_message
            SET seq = nextval('messenger_message_seq_counter')
            WHERE id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER messenger_message_commit_seq
        AFTER INSERT ON messenger_message
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION messenger_message_commit_seq()
    """,
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS messenger_message_commit_seq ON messenger_message",
    "DROP FUNCTION IF EXISTS messenger_message_commit_seq()",
    "DROP SEQUENCE IF EXISTS messenger_message_seq_counter",
]

SQLITE_UP = [
    "UPDATE messenger_message SET seq = id",
    """
    CREATE TRIGGER messenger_message_commit_seq AFTER INSERT ON messenger_message
    BEGIN
        UPDATE messenger_message SET seq = NEW.id WHERE id = NEW.id;
    END
    """,
]

SQLITE_DOWN = ["DROP TRIGGER IF EXISTS messenger_message_commit_seq"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"messenger: no commit order for {schema_editor.connection.vendor}"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("messenger", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="seq",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, unique=True
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
