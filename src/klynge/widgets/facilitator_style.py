"""The facilitator pages' own styles, sent with the pages: labels that wrap, tables that fit a phone.

Kept beside the widgets that use them, scoped to their classes, so the app's shared style
sheet needs no change for them.
"""

from __future__ import annotations

import ipywidgets as w
from markupsafe import Markup

from ..templating import part

__all__ = ["STYLE", "style"]

STYLE = """
.klynge-fac .widget-inline-hbox{flex-wrap:wrap;align-items:center;gap:4px 10px;width:auto;max-width:100%;
  height:auto}
.klynge-fac .widget-inline-hbox>.widget-label{width:auto!important;max-width:100%;white-space:normal;
  overflow:visible;text-overflow:clip;text-align:left;font-weight:600;line-height:1.3}
.klynge-fac .widget-checkbox{height:auto;width:auto;max-width:100%}
.klynge-fac .widget-checkbox label,.klynge-fac .widget-checkbox span{white-space:normal;overflow:visible;
  text-overflow:clip;font-weight:400;line-height:1.3}
.klynge-fac input[type=text],.klynge-fac input[type=number]{border:1px solid var(--klynge-line,#c9d2d0);
  border-radius:6px;padding:4px 8px;height:32px;box-sizing:border-box;background:#fff}
.klynge-fac input[type=number]{width:5.5rem;min-width:0}
.klynge-fac select{height:32px}
.klynge-fac .widget-text,.klynge-fac .widget-dropdown{width:auto;min-width:0}
.klynge-fac .widget-text input,.klynge-fac .widget-dropdown select{min-width:12rem;max-width:100%}
.klynge-fac .jupyter-button{width:auto;max-width:100%;white-space:normal;height:auto;min-height:32px;
  line-height:1.3;padding:4px 14px}
.klynge-fac .widget-html-content{white-space:normal;overflow-wrap:anywhere}
.klynge-fac-row{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin:6px 0}
.klynge-fac-row>*{flex:0 1 auto}
.klynge-fac-section{background:var(--klynge-card,#fff);border:1px solid var(--klynge-line,#d9e2ec);
  border-radius:var(--klynge-radius,10px);padding:12px 16px;margin:12px 0;box-sizing:border-box;max-width:100%}
.klynge-fac-confirm{border-left:4px solid #b45309;background:#fff7ed;padding:8px 12px;margin:8px 0}
.klynge-fac-link input{font-family:ui-monospace,monospace;width:100%}
.klynge-fac-link .widget-text{width:100%}
.klynge-fac-link .widget-inline-hbox{flex-direction:column;align-items:stretch}
.klynge-fac-muted{color:var(--klynge-muted,#55615f)}
.klynge-fac-ok{color:#15803d}
.klynge-fac-scroll{overflow-x:auto;max-width:100%}
.klynge-fac-table{border-collapse:collapse;width:100%;font-size:.95rem}
.klynge-fac-table th,.klynge-fac-table td{border-bottom:1px solid var(--klynge-line,#d9e2ec);padding:6px 8px;
  text-align:left;vertical-align:top}
.klynge-fac-table th{font-weight:600;font-size:.8rem;color:var(--klynge-muted,#55615f);overflow-wrap:normal;
  word-break:normal}
.klynge-fac-table td.name .klynge-fac-muted{font-weight:400;font-size:.9rem}
.klynge-fac-table .ago{display:block;color:var(--klynge-muted,#55615f);font-size:.85rem}
.klynge-fac-table td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.klynge-fac-table .done{color:#15803d;font-weight:600}
.klynge-fac-table .empty{color:var(--klynge-muted,#55615f)}
.klynge-fac-stuck{color:#b45309}
.klynge-fac-bar{display:block;height:4px;background:#e4e7eb;border-radius:2px;margin-top:3px;min-width:3rem}
.klynge-fac-bar>i{display:block;height:4px;background:#2f855a;border-radius:2px}
.klynge-fac-files{list-style:none;padding:0;margin:0}
@media (max-width:700px){
  .klynge-fac-table thead{display:none}
  .klynge-fac-table,.klynge-fac-table tbody,.klynge-fac-table tr,.klynge-fac-table td{display:block;width:auto}
  .klynge-fac-table tr{border:1px solid var(--klynge-line,#d9e2ec);border-radius:8px;margin:0 0 10px;padding:6px 10px}
  .klynge-fac-table td{border:0;padding:2px 0;display:flex;justify-content:space-between;gap:12px}
  .klynge-fac-table td::before{content:attr(data-label);color:var(--klynge-muted,#55615f);flex:1 1 auto}
  .klynge-fac-table td.name{display:block;font-weight:600;font-size:1.05rem}
  .klynge-fac-table td.name::before{content:none}
  .klynge-fac-table td.wide{display:block}
  .klynge-fac-table td.wide::before{display:block}
  .klynge-fac-table .ago{display:inline;margin-left:.3em}
  .klynge-fac-bar{display:none}
  .klynge-fac .widget-text input,.klynge-fac .widget-dropdown select{min-width:0;width:100%}
  .klynge-fac .widget-text,.klynge-fac .widget-dropdown{width:100%}
}
"""


def style(css: str = STYLE) -> w.HTML:
    """An invisible widget that carries a style sheet (default :data:`STYLE`) into the page.

    ``css`` is the page's own constant, never text a person typed.
    """
    box = w.HTML(part("style", Markup(css)), layout=w.Layout(display="none"))
    return box
