"""Analyses: pure functions over DataFrames and domain models (no I/O, no widgets).

- :mod:`klynge.analysis.member`: one member's figures (offers and capacity by month, the low
  season against the area's seasonality, SDG profile, canvas completeness).
- :mod:`klynge.analysis.cluster`: the cluster's first picture, from every member's figures.
- :mod:`klynge.analysis.travel`: driving minutes and km between places, whole matrices at
  once, from an offline estimate, a matrix file or an OSRM server.
"""
