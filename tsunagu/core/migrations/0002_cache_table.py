"""The table of the shared cache (settings: TSUNAGU_CACHE=database, the production default).

Created by Django's own ``createcachetable`` code, under a fixed name and whatever cache the profile
that runs ``migrate`` configures: a database first migrated in the development profile has the table
when it is later run in production, and no extra setup step is needed on a fresh machine or in CI.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

#: Must equal CACHES["default"]["LOCATION"] of the database cache in tsunagu/config/settings.py.
CACHE_TABLE = "tsunagu_cache"


def create_cache_table(apps, schema_editor):
    """Create the cache table unless it exists (createcachetable's own check)."""
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    """Drop the cache table: it holds nothing that must survive (counters and cached values)."""
    quoted = schema_editor.connection.ops.quote_name(CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {quoted}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
