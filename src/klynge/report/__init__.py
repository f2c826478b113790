"""Rendering: figures (:mod:`klynge.report.figures`), self-contained HTML (:mod:`klynge.report.html`)
and the batch's pages (:mod:`klynge.report.pages`). Reports render results; they compute none.
"""
