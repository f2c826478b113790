"""Numbers, shares, money and dates as a reader of nb, sv or en expects them (Babel's CLDR data).

A share of 0.375 reads "38 %" in Norwegian and Swedish and "38%" in English; 12 500 guest-days
get the language's thousands separator; money carries its currency code.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal

from babel import Locale, dates, numbers

__all__ = ["LOCALES", "day", "money", "number", "percent"]

#: The locale each of Klynge's languages formats with.
LOCALES = {"nb": "nb_NO", "sv": "sv_SE", "en": "en"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "en")


def number(value: float | int | Decimal, lang: str, digits: int = 1) -> str:
    """A number with the language's separators and at most ``digits`` decimals (none for integers)."""
    if isinstance(value, int) or float(value).is_integer():
        return numbers.format_decimal(int(value), locale=_locale(lang))
    return numbers.format_decimal(round(float(value), digits), format=f"#,##0.{'#' * digits}",
                                  locale=_locale(lang))


def percent(share: float, lang: str, digits: int = 0, sign: bool = False) -> str:
    """A share (0.375) as a percentage in the language's pattern ("38 %", "38%"); ``sign`` adds + when positive."""
    locale = Locale.parse(_locale(lang))
    pattern = copy.copy(numbers.parse_pattern(locale.percent_formats[None].pattern))
    pattern.frac_prec = (digits, digits)
    text = pattern.apply(share, locale)
    if sign and round(share * 100, digits) > 0:
        text = numbers.get_plus_sign_symbol(locale) + text
    return text


def money(amount: float | Decimal, currency: str, lang: str) -> str:
    """An amount with its currency code after it ("1 200,50 NOK", "650 SEK"); whole amounts without decimals.

    The code, not a sign: "kr" is both crowns, and a cluster across the border has both.
    """
    value = Decimal(str(amount))
    pattern = "#,##0\u00a0¤¤" if value == value.to_integral_value() else "#,##0.00\u00a0¤¤"
    return numbers.format_currency(value, currency, format=pattern, locale=_locale(lang), currency_digits=False)


def day(moment: date | datetime | None, lang: str) -> str:
    """A date as the language writes it in short ("3. des. 2026"); empty for None."""
    if moment is None:
        return ""
    return dates.format_date(moment.date() if isinstance(moment, datetime) else moment, format="medium",
                             locale=_locale(lang))
