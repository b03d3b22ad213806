"""Batch analysis: the cheapest plans for every subscriber of a large usage extract (``tariffcli batch``).

columns       the input's columns -> canonical fields; the output's columns
chunks        a chunk of input rows and the checked reading of its cells
projection    the ``compare`` projection rule, vectorised over subscribers
analyser      Analyser: one chunk of whole subscribers -> one output row each
summary       savings added up over the output tables
local         the local engine: chunks in order, in this process
dask_cluster  the Dask engine: partitions on a cluster
files         CSV/Parquet inputs read in chunks; outputs written atomically

Nothing is imported here, so importing one module loads only what it needs.
"""
