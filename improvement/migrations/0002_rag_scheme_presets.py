from django.db import migrations


def create_presets(apps, schema_editor):
    from improvement.rag import create_presets as create

    create(apps.get_model("improvement", "RagScheme"), apps.get_model("improvement", "RagStatus"))


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [migrations.RunPython(create_presets, migrations.RunPython.noop)]
