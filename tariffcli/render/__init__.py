"""Renderers: pure functions from results to text, JSON, CSV, Markdown, rich tables and charts.

``common`` (JSON version, CSV/Markdown cell guards, plan names, citations),
``compare`` and ``sections`` (a comparison and the sections under it), ``offer``,
``plans`` (the catalogue), ``baskets``, ``analyze`` and ``charts``. Nothing here
computes a tariff; rich and matplotlib are imported inside the functions that draw.
"""
