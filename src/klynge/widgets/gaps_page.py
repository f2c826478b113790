"""The facilitator's "Low season" page: where and when no package can be built, and the package settings.

:class:`GapsPage` is handed a :class:`~klynge.widgets.gaps_service.GapsService`. It shows the gap
finder's heat map (areas and kinds by month, September first), the gaps in plain words and the
share of capacity in the low months now and with the agreed packages; the facilitator can
change the threshold below which capacity counts as thin. Below, the cluster's package settings
(currency, exchange rate, longest leg, price range) in a small form whose problems are shown
beside their fields. HTML comes from ``widgets/gaps_page.html.j2``.
"""

from __future__ import annotations

import base64
import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..analysis.gaps import THIN
from ..errors import AccessDenied, Conflict, FormProblems, KlyngeError
from ..i18n import t
from ..model import CURRENCIES
from ..report import gaps as render
from ..templating import snippet
from .facilitator_style import style
from .gaps_service import FIELDS, GapsService, form_values, other_currency

__all__ = ["GapsPage"]

log = logging.getLogger(__name__)

_T = "widgets/gaps_page.html.j2"

STYLE = """
.klynge-gaps figure{margin:8px 0}
.klynge-gaps figure img{max-width:100%;height:auto}
.klynge-gaps-list li{margin:4px 0}
.klynge-gaps .klynge-gaps-field{gap:2px;margin:6px 0}
.klynge-gaps .klynge-gaps-field>.widget-inline-hbox,.klynge-gaps .klynge-gaps-thin{flex-direction:column;
  align-items:flex-start;height:auto;gap:4px}
.klynge-gaps .klynge-gaps-field input,.klynge-gaps .klynge-gaps-field select,.klynge-gaps .klynge-gaps-thin input{
  flex:0 0 auto;width:16rem!important;max-width:100%;min-width:0;height:32px}
.klynge-gaps .klynge-gaps-field .widget-label,.klynge-gaps .klynge-gaps-thin>.widget-label{height:auto;
  min-height:0;line-height:1.3}
.klynge-gaps .klynge-settings-save,.klynge-gaps .klynge-gaps-show{align-self:flex-start}
.klynge-gaps .klynge-message{color:#b91c1c;margin:2px 0}
@media (max-width:700px){
  .klynge-gaps,.klynge-gaps .widget-vbox,.klynge-gaps .widget-html,.klynge-gaps .widget-html-content{min-width:0;
    max-width:100%}
  .klynge-gaps .klynge-gaps-figure img{max-width:none;width:640px}
}
"""


class GapsPage(w.VBox):
    """The low-season picture and the cluster's package settings."""

    lang = Unicode("nb")

    def __init__(self, service: GapsService):
        super().__init__()
        self.add_class("klynge-gaps")
        self.add_class("klynge-fac")
        self._service = service
        self.picture: dict | None = None
        self._pngs: dict[str, bytes] = {}
        self._head = w.HTML()
        self._thin = w.Text(value=f"{THIN:g}", layout=w.Layout(width="auto"))
        self._thin.add_class("klynge-gaps-thin")
        self._show = w.Button(button_style="primary")
        self._show.add_class("klynge-gaps-show")
        self._show.on_click(lambda _b: self.show())
        controls = w.HBox([self._thin, self._show])
        controls.add_class("klynge-fac-row")
        self._result = w.HTML()
        self._result.add_class("klynge-gaps-result")

        self._settings_head = w.HTML()
        self._fields = {
            "currency": w.Dropdown(options=list(CURRENCIES), value=CURRENCIES[0]),
            **{name: w.Text(layout=w.Layout(width="auto")) for name in FIELDS[1:]},
        }
        self._fields["currency"].observe(lambda _c: self._relabel(), names="value")
        self._problems = {name: w.HTML() for name in FIELDS}
        boxes = []
        for name in FIELDS:
            self._fields[name].add_class(f"klynge-settings-{name.replace('_', '-')}")
            box = w.VBox([self._fields[name], self._problems[name]])
            box.add_class("klynge-gaps-field")
            boxes.append(box)
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-settings-save")
        self._save.on_click(lambda _b: self.save())
        self._status = w.HTML()
        self._version: int | None = None
        settings = w.VBox([self._settings_head, *boxes, self._save, self._status])
        settings.add_class("klynge-fac-section")
        settings.add_class("klynge-settings")
        result = w.VBox([controls, self._result])
        result.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), self._head, result, settings]
        self._relabel()
        self.show()
        self._load_settings()

    def refresh(self) -> None:
        """Read the offers and the settings again."""
        self.show()
        self._load_settings()

    # -- the picture ------------------------------------------------------------------------
    def show(self) -> None:
        """Compute the picture with the threshold typed, and draw it."""
        self._show.disabled = True
        try:
            thin = _threshold(self._thin.value)
            if thin is None:
                self.picture = None
                self._result.value = snippet(_T, "message", t("gaps.bad_thin", self.lang))
                return
            self.picture = self._service.picture(thin)
            self._pngs = {}
            self._draw()
        except KlyngeError as exc:
            log.info("the low-season picture could not be made: %s", exc)
            self.picture = None
            self._result.value = snippet(_T, "message", str(exc))
        except Exception:
            log.exception("the low-season picture could not be made")
            self.picture = None
            self._result.value = snippet(_T, "message", t("page.error.body", self.lang))
        finally:
            self._show.disabled = False

    def _draw(self) -> None:
        picture, lang = self.picture, self.lang
        if not picture["areas"]:
            self._result.value = snippet(_T, "message", t("gaps.no_offers", lang), "klynge-fac-muted", "status")
            return
        if lang not in self._pngs:
            self._pngs[lang] = self._service.png(picture, lang)
        self._result.value = snippet(
            _T, "result", base64.b64encode(self._pngs[lang]).decode("ascii"), t("gaps.heatmap_alt", lang),
            render.notes(picture, lang), t("gaps.gaps_heading", lang), render.gap_sentences(picture, lang),
            t("gaps.none", lang), t("gaps.season_heading", lang), t("gaps.season_note", lang),
            render.season_rows(picture, lang), render.season_labels(lang))

    # -- the settings -----------------------------------------------------------------------
    def _load_settings(self) -> None:
        try:
            current = self._service.settings()
        except KlyngeError as exc:
            log.info("the package settings could not be read: %s", exc)
            self._status.value = snippet(_T, "message", str(exc))
            return
        self._version = current.version
        for name, value in form_values(current.value).items():
            self._fields[name].value = value

    def values(self) -> dict[str, str]:
        """The form's texts, by field."""
        return {name: self._fields[name].value for name in FIELDS}

    def set_values(self, **values) -> None:
        """Type into the form (the tests' way in)."""
        for name, value in values.items():
            self._fields[name].value = value

    def save(self) -> None:
        """Check the form and save the settings; problems appear beside their fields."""
        self._save.disabled = True
        lang = self.lang
        for box in self._problems.values():
            box.value = ""
        try:
            self._version = self._service.save_settings(self.values(), self._version, lang)
            self._status.value = snippet(_T, "message", t("package_settings.saved", lang), "klynge-fac-ok", "status")
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                self._problems[name].value = snippet(_T, "message", message)
            self._status.value = ""
        except Conflict as exc:
            self._status.value = snippet(_T, "message", t("package_settings.conflict", lang,
                                                          who=", ".join(exc.saved_by)))
            self._version = None
            try:  # the next save starts from what is stored now; the texts typed stay in the form
                self._version = self._service.settings().version
            except KlyngeError:
                log.info("the package settings could not be read again")
        except AccessDenied:
            self._status.value = snippet(_T, "message", t("package_settings.denied", lang))
        except KlyngeError as exc:
            log.info("the package settings could not be saved: %s", exc)
            self._status.value = snippet(_T, "message", str(exc))
        except Exception:
            log.exception("the package settings could not be saved")
            self._status.value = snippet(_T, "message", t("page.error.body", lang))
        finally:
            self._save.disabled = False

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        if self.picture is not None:
            self._draw()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = snippet(_T, "head", t("gaps.title", lang), t("gaps.intro", lang))
        self._thin.description = t("gaps.thin_limit", lang)
        self._show.description = t("gaps.show", lang)
        self._settings_head.value = snippet(_T, "head", t("package_settings.title", lang),
                                            t("package_settings.intro", lang), 2)
        currency = self._fields["currency"].value
        labels = {"currency": t("package_settings.currency", lang),
                  "rate": t("package_settings.rate", lang, other=other_currency(currency), currency=currency),
                  "max_leg_minutes": t("package_settings.max_leg", lang),
                  "price_min": f"{t('package_settings.price_min', lang)} ({currency})",
                  "price_max": f"{t('package_settings.price_max', lang)} ({currency})"}
        for name, label in labels.items():
            self._fields[name].description = label
            self._fields[name].style.description_width = "initial"
        for name in ("price_min", "price_max"):
            self._fields[name].placeholder = t("package_settings.price_help", lang)
        self._save.description = t("package_settings.save", lang)
        self._thin.style.description_width = "initial"


def _threshold(text: str) -> float | None:
    """The thin threshold typed (``10``, ``2,5``), or None when it is not a number from 0 to 1 000."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value <= 1000 else None
