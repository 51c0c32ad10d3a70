"""The gazetteer's load for a new database: 0002 with the search keys' foreign key left to
Django (db_constraint=False, see PlaceName.place) before the rows go in.

It replaces 0002, so a database that applied 0002 counts it as applied (its names keep
the database-level constraint, which changes nothing it does), and a new one runs this
instead: the constraint is gone before the 165,000 rows arrive, so SQLite's
foreign-key check after every later migration no longer walks them, and no table is
rebuilt with the rows in it. accounts.0004_resolve_places, which depends on 0002, then
depends on this one and still finds the places loaded.
"""

import django.db.models.deletion
from django.db import migrations, models

from guanxi.places import gazetteer


class Migration(migrations.Migration):
    replaces = [("places", "0002_load_gazetteer")]

    dependencies = [("places", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="placename",
            name="place",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="names",
                to="places.place",
            ),
        ),
        migrations.RunPython(gazetteer.migrate_load, gazetteer.migrate_unload),
    ]
