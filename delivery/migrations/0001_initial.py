"""Recipients, send batches and the error log move here from ``campaigns``, tables and all.

The state moves; the database does not: each model keeps its table (``db_table``), indexes and
constraints keep their names, and no row is copied. Content types follow the models, so
permissions granted on them stay granted.
"""

import django.db.models.deletion
from django.db import migrations, models


MOVED = ("recipient", "sendbatch", "campaignerror")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def content_types_move(apps, schema_editor):
    _relabel(apps, "campaigns", "delivery")


def content_types_back(apps, schema_editor):
    _relabel(apps, "delivery", "campaigns")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('audience', '0005_contact_email_opt_out_and_bounce'),
        ('campaigns', '0009_recipient_error_title'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SendBatch',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done')], default='queued', max_length=16)),
                    ('size', models.PositiveIntegerField(default=0)),
                    ('enqueue_count', models.PositiveIntegerField(default=0)),
                    ('enqueued_at', models.DateTimeField(blank=True, null=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='batches', to='campaigns.campaign')),
                ],
                options={
                    'db_table': 'campaigns_sendbatch',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='Recipient',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('read', 'Read'), ('failed', 'Failed'), ('skipped', 'Skipped'), ('retry_scheduled', 'Retry scheduled'), ('uncertain', 'Uncertain')], default='pending', max_length=16)),
                    ('send_at', models.DateTimeField(blank=True, null=True)),
                    ('attempts', models.PositiveSmallIntegerField(default=0)),
                    ('lease_until', models.DateTimeField(blank=True, null=True)),
                    ('provider_message_id', models.CharField(blank=True, default='', max_length=128)),
                    ('sent_at', models.DateTimeField(blank=True, null=True)),
                    ('delivered_at', models.DateTimeField(blank=True, null=True)),
                    ('read_at', models.DateTimeField(blank=True, null=True)),
                    ('failed_at', models.DateTimeField(blank=True, null=True)),
                    ('clicked_at', models.DateTimeField(blank=True, null=True)),
                    ('converted_at', models.DateTimeField(blank=True, null=True)),
                    ('error_code', models.CharField(blank=True, default='', max_length=32)),
                    ('error_title', models.CharField(blank=True, default='', max_length=200)),
                    ('error_message', models.CharField(blank=True, default='', max_length=500)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('claim_token', models.CharField(blank=True, default='', max_length=32)),
                    ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                    ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipients', to='campaigns.campaign')),
                    ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipients', to='audience.contact')),
                    ('variant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recipients', to='campaigns.variant')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recipients', to='delivery.sendbatch')),
                ],
                options={
                    'db_table': 'campaigns_recipient',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='CampaignError',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('error_type', models.CharField(max_length=64)),
                    ('message', models.CharField(blank=True, default='', max_length=500)),
                    ('count', models.PositiveIntegerField(default=0)),
                    ('first_seen_at', models.DateTimeField(auto_now_add=True)),
                    ('timestamp', models.DateTimeField()),
                    ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='error_log', to='campaigns.campaign')),
                ],
                options={
                    'db_table': 'campaigns_campaignerror',
                    'ordering': ['-timestamp'],
                    'constraints': [models.UniqueConstraint(fields=('campaign', 'error_type'), name='campaign_error_type')],
                },
            ),
            migrations.AddIndex(
                model_name='sendbatch',
                index=models.Index(fields=['status', 'enqueued_at'], name='batch_status_enqueued'),
            ),
            migrations.AddIndex(
                model_name='sendbatch',
                index=models.Index(fields=['campaign', 'status'], name='batch_campaign_status'),
            ),
            migrations.AddIndex(
                model_name='recipient',
                index=models.Index(fields=['campaign', 'status', 'send_at'], name='recipient_camp_status'),
            ),
            migrations.AddIndex(
                model_name='recipient',
                index=models.Index(fields=['provider_message_id'], name='recipient_provider_id'),
            ),
            migrations.AddIndex(
                model_name='recipient',
                index=models.Index(fields=['contact', 'sent_at'], name='recipient_contact_sent'),
            ),
            migrations.AddConstraint(
                model_name='recipient',
                constraint=models.UniqueConstraint(fields=('campaign', 'contact'), name='recipient_unique_contact'),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
