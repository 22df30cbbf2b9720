"""A stored, indexed year for the year facet; an index on the time of the last change."""

from django.db import migrations, models


def fill_years(apps, schema_editor):
    import datetime as dt

    # The database being migrated, which need not be the default one (copy-database).
    actions = apps.get_model("records", "Action").objects.using(schema_editor.connection.alias)
    dates = actions.aggregate(first=models.Min("date"), last=models.Max("date"))
    if dates["first"] is None:
        return
    for year in range(dates["first"].year, dates["last"].year + 1):
        actions.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1)).update(
            year=year
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0004_history")]

    operations = [
        migrations.AddField(
            model_name="action",
            name="year",
            field=models.PositiveSmallIntegerField(
                db_index=True, default=0, editable=False, verbose_name="year"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="updated",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated"),
        ),
    ]
