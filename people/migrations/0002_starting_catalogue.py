from django.db import migrations


def add_starting_catalogue(apps, schema_editor):
    from people.catalogue import add_starting_catalogue

    add_starting_catalogue(apps.get_model("people", "AccessNeedType"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_starting_catalogue, migrations.RunPython.noop)]
