"""Approval instances: how they move through their approvers (instances.py), DingTalk's
v1.0 workflow API that starts, reads and lists them (api.py), and an instance as that API
shows it (export.py)."""
