"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the RAG history, so not even raw SQL
can rewrite what leads reported (the models already refuse through the ORM)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION improvement_update_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'RAG history is append-only: % on improvement_update is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS improvement_update_append_only ON improvement_update;
CREATE TRIGGER improvement_update_append_only
    BEFORE UPDATE OR DELETE ON improvement_update
    FOR EACH ROW EXECUTE FUNCTION improvement_update_is_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS improvement_update_append_only ON improvement_update;
DROP FUNCTION IF EXISTS improvement_update_is_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no params: the SQL's % is PL/pgSQL's own
            cursor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("improvement", "0002_rag_scheme_presets")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
