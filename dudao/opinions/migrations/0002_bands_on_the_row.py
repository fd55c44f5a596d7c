"""Band keys move onto the opinion row (``Opinion.bands``); ``OpinionBand`` keeps only those of
classified opinions (the suggestion index). Existing keys are copied, not recomputed."""

from django.db import migrations, models

PACK = "<i8"


def move_keys(apps, schema_editor):
    import numpy as np

    Opinion = apps.get_model("opinions", "Opinion")
    OpinionBand = apps.get_model("opinions", "OpinionBand")
    keys: dict[int, list[int]] = {}
    for opinion_id, key in OpinionBand.objects.order_by("opinion_id", "pk").values_list(
        "opinion_id", "key"
    ).iterator(chunk_size=20000):
        keys.setdefault(opinion_id, []).append(key)
    batch = []
    for pk, ks in keys.items():
        batch.append(Opinion(pk=pk, bands=np.asarray(ks, dtype=PACK).tobytes()))
        if len(batch) >= 2000:
            Opinion.objects.bulk_update(batch, ["bands"])
            batch = []
    if batch:
        Opinion.objects.bulk_update(batch, ["bands"])
    OpinionBand.objects.filter(opinion__classified=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="bands",
            field=models.BinaryField(default=b"", verbose_name="相似度指纹"),
        ),
        migrations.RunPython(move_keys, migrations.RunPython.noop),
    ]
