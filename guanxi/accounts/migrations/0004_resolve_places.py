"""Link existing profiles and experience entries to the place their text names."""

from django.db import migrations


def _resolve(model, field, names):
    from guanxi.places.selectors import place_id_for_text

    texts = model.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct()
    for text in list(texts):
        place_id = place_id_for_text(text, names=names)
        if place_id is not None:
            model.objects.filter(**{field: text}).update(place_id=place_id)


def resolve_places(apps, schema_editor):
    names = apps.get_model("places", "PlaceName")
    _resolve(apps.get_model("accounts", "Profile"), "city", names)
    _resolve(apps.get_model("accounts", "Experience"), "location", names)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_place"), ("places", "0002_load_gazetteer")]

    operations = [migrations.RunPython(resolve_places, migrations.RunPython.noop)]
