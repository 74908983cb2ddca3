"""The roster's rows, rendered in Python: a 1,000-pupil school roster is ~1,100 rows × 8 cells, and the
template engine's per-variable cost made it the largest share of the page's time (docs/bench.md).
The markup is the same the template wrote; every value from outside is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _html_escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tsunagu.core.templatetags.tsunagu import icon, japanese_active, short_date

register = template.Library()


def escape(value: Any) -> str:
    """HTML-escape like ``django.utils.html.escape`` (same output), without its lazy-string wrapper:
    ~9,000 calls per school roster made that wrapper a fifth of the page's time."""
    return _html_escape(str(value), quote=True)


@register.simple_tag
def roster_rows(rows: Iterable[Any], show_contacts: bool) -> SafeString:
    """One ``<tr>`` per pupil: roll number (or the 交流 tag), name linking to the pupil, reading, sex,
    birth date (和暦, short), guardian and phone (when the page shows contacts), and the care flag."""
    care = escape(gettext("Care"))
    exchange = escape(gettext("Exchange"))
    exchange_title = escape(gettext("Joins this class as exchange class"))
    care_flag = f'<span class="flag flag--care">{icon("alert")}{care}</span>'
    japanese = japanese_active()
    sexes: dict[str, str] = {}  # each label escaped once
    out = []
    for row in rows:
        if row.is_exchange:
            roll = f'<span class="tag" title="{exchange_title}">{exchange}</span>'
        else:
            # An integer and a date written by us need no escaping.
            roll = "" if row.roll_number is None else str(int(row.roll_number))
        sex = sexes.get(row.sex)
        if sex is None:
            sex = sexes[row.sex] = escape(row.sex)
        birth = short_date(row.birth_date, japanese=japanese) if row.birth_date else ""
        cells = [
            f'<tr>\n  <td class="num col-roll">{roll}</td>',
            f'  <th scope="row" class="col-name"><a href="{escape(row.url)}">{escape(row.name)}</a></th>',
            f'  <td class="col-kana">{escape(row.kana)}</td>',
            f'  <td class="col-sex">{sex}</td>',
            f'  <td class="col-birth">{birth}</td>',
        ]
        if show_contacts:
            phone = escape(row.contact_phone) if row.contact_phone else ""
            guardian = escape(row.contact_name) if row.contact_name else "—"
            cells.append(f'  <td class="col-guardian">{guardian}</td>')
            cells.append(
                f'  <td class="col-phone"><a href="tel:{phone}">{phone}</a></td>'
                if phone
                else '  <td class="col-phone">—</td>'
            )
        cells.append(f'  <td class="col-care">{care_flag if row.needs_care else ""}</td>\n</tr>\n')
        out.append("\n".join(cells))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
