"""The bill analyzer: what each line of a household cost, the findings (cheaper plan, expired promotion,
bill mismatch, ...) and reminders. Built on :mod:`tariffcli.compare`; reads no file and no clock."""
