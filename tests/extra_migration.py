"""A workflow migration the code does not have: a nullable column on the case table with an
index (deferred SQL), in a copy of the workflow's migrations (MIGRATION_MODULES)."""

import contextlib
import shutil
import sys
from pathlib import Path

from django.test import override_settings

MIGRATION = "0999_test_note"
MODULE = "extra_workflow_migrations"


@contextlib.contextmanager
def extra_workflow_migration(folder):
    from django.db.migrations.loader import MigrationLoader

    import workflow.migrations

    package = Path(folder) / MODULE
    shutil.copytree(Path(workflow.migrations.__file__).parent, package)
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("workflow")[0][1]
    (package / f"{MIGRATION}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('workflow', '{leaf}')]\n"
        "    operations = [\n"
        "        migrations.AddField('case', 'test_note',"
        " models.CharField(max_length=40, null=True)),\n"
        "        migrations.AddIndex('case',"
        " models.Index(fields=['test_note'], name='case_test_note_idx')),\n"
        "    ]\n"
    )
    sys.path.insert(0, str(folder))
    try:
        with override_settings(MIGRATION_MODULES={"workflow": MODULE}):
            yield
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith(MODULE)]:
            del sys.modules[name]
