from django.db import migrations, models
import django.db.models.functions.text


class Migration(migrations.Migration):

    dependencies = [
        ('gminas', '0006_confirm_existing_inbound_emails'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='gmina',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('inbound_email'), condition=models.Q(('inbound_email', ''), _negated=True), name='gminas_gmina_unique_inbound_email', violation_error_message='Ten adres e-mail należy już do innej gminy.'),
        ),
    ]
