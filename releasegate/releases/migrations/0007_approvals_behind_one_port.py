"""Approvals in the port's own words: one status for every platform (the platform's own
words kept beside it), taken back as a flag, each approver's task and the links kept;
deliveries say which form they name; notifications say which platform delivers them."""

from django.db import migrations, models

_FINISHED_WITHOUT_APPROVAL = {"TERMINATED": "withdrawn", "CANCELED": "withdrawn"}


def _status(status: str, result: str) -> str:
    if status in ("NEW", "RUNNING"):
        return "pending"
    if status == "COMPLETED":
        return {"agree": "approved", "refuse": "refused"}.get(result, "withdrawn")
    if status == "DELETED":
        return "deleted"
    return _FINISHED_WITHOUT_APPROVAL.get(status, "withdrawn")


def forwards(apps, schema_editor):
    Approval = apps.get_model("releases", "Approval")
    for approval in Approval.objects.all().iterator():
        words = [approval.status, approval.result]
        taken_back = approval.biz_action not in ("", "NONE")
        if taken_back:
            words.append(approval.biz_action)
        approval.provider_status = " ".join(w for w in words if w)
        approval.taken_back = taken_back
        approval.status = _status(approval.status, approval.result)
        approval.save(update_fields=["provider_status", "taken_back", "status"])
    InboundEvent = apps.get_model("releases", "InboundEvent")
    for event in InboundEvent.objects.filter(
        processed_at__isnull=True, via__in=("event", "stream")
    ).iterator():
        named = event.payload.get("processCode") if isinstance(event.payload, dict) else None
        if isinstance(named, str) and named:
            event.form_code = named[:128]
            event.save(update_fields=["form_code"])
    Notification = apps.get_model("releases", "Notification")
    Notification.objects.filter(channel="work_notification").update(channel="people")
    Notification.objects.filter(channel="group_robot").update(channel="group")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0006_release_newest_index"),
    ]

    operations = [
        migrations.RenameField(model_name="approval", old_name="agreed_by", new_name="approved_by"),
        migrations.AddField(
            model_name="approval",
            name="provider_status",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="approval", name="taken_back", field=models.BooleanField(default=False)
        ),
        migrations.AddField(
            model_name="approval",
            name="taken_back_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="approval",
            name="tasks",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="approval",
            name="links",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="inboundevent",
            name="form_code",
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AddField(
            model_name="notification",
            name="provider",
            field=models.CharField(default="dingtalk", max_length=20),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="approval", name="result"),
        migrations.RemoveField(model_name="approval", name="biz_action"),
        # Every row now says which platform it is about; the domain assumes none.
        *(
            migrations.AlterField(
                model_name=model, name="provider", field=models.CharField(max_length=20)
            )
            for model in ("approval", "inboundevent", "notification")
        ),
        migrations.AlterField(
            model_name="approval",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("refused", "Refused"),
                    ("withdrawn", "Withdrawn"),
                    ("deleted", "Deleted"),
                ],
                max_length=20,
            ),
        ),
    ]
