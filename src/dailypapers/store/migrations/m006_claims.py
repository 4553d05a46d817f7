"""Delivery claims and run owners: who is sending an item, who is running (issue 16).

``deliveries.status`` gains ``claimed`` (a process is sending it right now); ``claimant`` and
``claimed_at`` say which process and since when. ``runs.owner`` names the process of a run so
a run left ``running`` by a dead process can be marked ``crashed``.
"""

SQL = """
ALTER TABLE deliveries ADD COLUMN claimant TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_at TEXT;
ALTER TABLE runs ADD COLUMN owner TEXT;
"""
