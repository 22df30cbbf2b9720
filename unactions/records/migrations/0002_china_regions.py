"""The China deployment's region vocabulary, in the order pages list it."""

from django.db import migrations
from django.utils.text import slugify

REGIONS = [
    "mainland China",
    "Hong Kong",
    "Macao",
    "Tibet",
    "Xinjiang",
    "Inner Mongolia",
    "overseas",
]


def add_regions(apps, schema_editor):
    # The database being migrated, which need not be the default one (copy-database).
    regions = apps.get_model("records", "Region").objects.using(schema_editor.connection.alias)
    for position, name in enumerate(REGIONS):
        regions.update_or_create(
            name=name, defaults={"slug": slugify(name), "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(add_regions, migrations.RunPython.noop)]
