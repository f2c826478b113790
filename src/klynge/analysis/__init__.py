"""Analyses: pure functions over DataFrames and domain models (no I/O, no widgets).

- :mod:`klynge.analysis.member`: one member's figures (offers and capacity by month, the low
  season against the area's seasonality, SDG profile, canvas completeness).
- :mod:`klynge.analysis.cluster`: the cluster's first picture, from every member's figures.
- :mod:`klynge.analysis.travel`: driving minutes and km between places, whole matrices at
  once, from an offline estimate, a matrix file or an OSRM server.
- :mod:`klynge.analysis.meetings`: venues ranked for a meeting by the one-hour rule, and the
  smallest set of venues that serves every member within the hour (an exact set cover).
- :mod:`klynge.analysis.partners`: every member's partners ranked at once, with the parts of the
  score as reasons.
- :mod:`klynge.analysis.network`: the facilitator's graph of the partner network: the well
  connected, the isolated, and the links that would close gaps.
- :mod:`klynge.analysis.gaps`: the low-season gap finder: open capacity per area, month and kind
  against the area's guest nights, where no package can be built, and the low-season share now
  and with the agreed packages.
- :mod:`klynge.analysis.packages`: low-season package suggestions from the members' offers,
  chosen by an exact optimiser (a set-packing programme solved with CBC), with reasons.
- :mod:`klynge.analysis.maturity`: the members' figures a maturity snapshot keeps (offers,
  low-season share, SDG actions).
"""
