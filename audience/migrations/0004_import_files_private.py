"""Contact imports move out of the public media root (issue 9, item 5).

Before this, uploads and rejected-row files were stored under ``MEDIA_ROOT/imports/``, which
``make run`` served at ``/media/`` to anyone. The fields now use the private storage
(``PRIVATE_MEDIA_ROOT``), and this migration moves every file of ``MEDIA_ROOT/imports/`` there
under the same relative name, so the names stored in the rows keep working. The whole folder
is moved, not only the files that rows name: files of deleted jobs hold personal data too.
A database without any import (a new install, a test database) moves nothing.

It runs where ``migrate`` runs: an install whose media live on another machine moves the
folder by hand (``mv "$MEDIA_ROOT/imports" "$PRIVATE_MEDIA_ROOT/"``). Running it again finds
nothing to move. Going backwards leaves the files private.
"""

import logging
import os
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import audience.models
import core.storage

logger = logging.getLogger(__name__)


def move_import_files_to_private_root(apps, schema_editor):
    import_job = apps.get_model("audience", "ImportJob")
    if not import_job.objects.using(schema_editor.connection.alias).exists():
        # A database without imports (a new install, a test database) owns no such files;
        # the folder of another database sharing this MEDIA_ROOT is left to that one.
        return
    source = Path(settings.MEDIA_ROOT) / "imports"
    target_root = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    if not source.is_dir() or source.resolve() == target_root.resolve():
        return
    moved = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = target_root / path.relative_to(source)
        if target.exists():
            # Never overwrite a private file; keep the public copy private beside it.
            target = target.with_name(f"{target.stem}-{secrets.token_hex(4)}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.move(path, target)
        os.chmod(target, 0o600)
        moved += 1
    for directory in sorted((p for p in source.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    if not any(source.iterdir()):
        source.rmdir()
    if moved:
        logger.warning("Moved %d import file(s) from %s to %s.", moved, source, target_root)


class Migration(migrations.Migration):
    dependencies = [
        ("audience", "0003_attributes_gin_postgres"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="error_file",
            field=models.FileField(
                blank=True,
                default="",
                storage=core.storage.private_storage,
                upload_to=audience.models.import_errors_name,
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=models.FileField(
                storage=core.storage.private_storage,
                upload_to=audience.models.import_file_name,
            ),
        ),
        migrations.RunPython(move_import_files_to_private_root, migrations.RunPython.noop),
    ]
