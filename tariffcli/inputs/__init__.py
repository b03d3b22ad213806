"""Inputs: bytes and text -> model objects (usage, itemized records, bills, plan and basket files, tariff cards).

Every problem carries file, line and field. Parsers take bytes or text and a name for it; only
:mod:`tariffcli.inputs.files` touches the file system.
"""
