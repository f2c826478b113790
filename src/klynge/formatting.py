"""Numbers, shares, money and dates as a reader of nb, sv or en expects them (Babel's CLDR data).

A share of 0.375 reads "38 %" in Norwegian and Swedish and "38%" in English; 12 500 guest-days
get the language's thousands separator; money carries its currency code.

:func:`localise` is what :func:`klynge.i18n.t` fills a message's ``{names}`` with, so a number,
an amount (:class:`Amount`, an offer's price) or a date handed to a message reads the same way as in a table.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

from babel import Locale, dates, numbers

__all__ = ["LOCALES", "Amount", "day", "localise", "moment", "money", "number", "percent"]

#: The locale each of Klynge's languages formats with; German only for package texts to booking
#: channels (the apps and catalogues speak nb, sv and en).
LOCALES = {"nb": "nb_NO", "sv": "sv_SE", "en": "en", "de": "de_DE"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "en")


class Amount(NamedTuple):
    """An amount in a currency, for a message: ``t("...", lang, price=Amount(650, "EUR"))``.

    An offer's price (:class:`klynge.model.Money`) does as well: anything with ``amount`` and ``currency``.
    """

    amount: float | Decimal
    currency: str


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


def moment(when: datetime | None, lang: str, zone: str = "Europe/Oslo") -> str:
    """A date and time as the language writes it, on the clock of Trøndelag and Jämtland ("3. des. 2026 14:05").

    A naive ``when`` is taken as UTC (the store's clock); empty for None. Without time-zone data on
    the machine the time is shown in UTC, and says so.
    """
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        when, suffix = when.astimezone(dates.get_timezone(zone)), ""
    except LookupError:  # no time-zone data on this machine
        when, suffix = when.astimezone(UTC), " UTC"
    return f"{day(when, lang)} {dates.format_time(when, 'HH:mm', locale=_locale(lang))}{suffix}"


_DATE_FORMATS = ("short", "medium", "long", "full")


def localise(value, lang: str, spec: str = "") -> str:
    """``value`` as text in ``lang``, read with a message's format ``spec`` (the part after ``:`` in ``{n:.1f}``).

    Numbers get the language's separators: ``""`` or ``","`` as :func:`number`, ``".2f"`` with
    exactly two decimals, ``"%"`` or ``".1%"`` as :func:`percent` of a share, and ``"d"`` as bare
    digits (a year, a number that is a name). An amount reads as :func:`money`; a date or
    datetime as :func:`day`, or in Babel's ``"short"``, ``"long"`` or ``"full"`` format.
    Anything else (text, a bool) is ``format(value, spec)``.

    Raises
    ------
    ValueError
        When ``spec`` means nothing for the value (``"{n:x}"``, ``"{day:.1f}"``).
    """
    if hasattr(value, "amount") and hasattr(value, "currency"):
        if spec:
            raise ValueError(f"an amount takes no format, got {spec!r}")
        return money(value.amount, value.currency, lang)
    if isinstance(value, (date, datetime)):
        if spec and spec not in _DATE_FORMATS:
            raise ValueError(f"a date's format is one of {', '.join(_DATE_FORMATS)}, got {spec!r}")
        if not spec:
            return day(value, lang)
        return dates.format_date(value.date() if isinstance(value, datetime) else value, format=spec,
                                 locale=_locale(lang))
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return format(value, spec)
    if spec in ("", ","):
        return number(value, lang)
    if spec == "d":
        return str(int(value))
    if spec.endswith("%"):
        digits = spec.removeprefix(",").removeprefix(".")[:-1]
        if digits and not digits.isdigit():
            raise ValueError(f"a share's format is % or .N%, got {spec!r}")
        return percent(float(value), lang, int(digits or 0))
    digits = spec.removeprefix(",").removeprefix(".")[:-1]
    if spec.endswith("f") and spec.lstrip(",").startswith(".") and digits.isdigit():
        fraction = f".{'0' * int(digits)}" if int(digits) else ""
        return numbers.format_decimal(value, format=f"#,##0{fraction}", locale=_locale(lang))
    raise ValueError(f"a number's format is one of '', ',', 'd', '.Nf', '%', '.N%'; got {spec!r}")
