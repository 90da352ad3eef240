import re

from django.db import migrations, models


def sort_key(number):
    # improvement.models.number_sort_key as it was when this migration was written.
    return "".join(f"{int(part):08d}" if part.isdigit() else part.lower()
                   for part in re.split(r"(\d+)", number))[:100]


def fill_reference_sort(apps, schema_editor):
    Recommendation = apps.get_model("improvement", "Recommendation")
    recommendations = list(Recommendation.objects.only("pk", "reference"))
    for recommendation in recommendations:
        recommendation.reference_sort = sort_key(recommendation.reference)
    Recommendation.objects.bulk_update(recommendations, ["reference_sort"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("improvement", "0010_plan_import_sheets"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="reference_sort",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(fill_reference_sort, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="recommendation",
            options={"ordering": ["source", "reference_sort"]},
        ),
    ]
