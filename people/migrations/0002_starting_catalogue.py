from django.db import migrations


def add_starting_catalogue(apps, schema_editor):
    from people.catalogue import STARTING_CATALOGUE

    AccessNeedType = apps.get_model("people", "AccessNeedType")
    for position, entry in enumerate(STARTING_CATALOGUE):
        AccessNeedType.objects.get_or_create(
            code=entry["code"], defaults={**entry, "position": (position + 1) * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_starting_catalogue, migrations.RunPython.noop)]
