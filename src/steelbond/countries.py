"""The partners' country codes, written in explicitly.

Panels are merged on standard codes, and name matching has confused North and South Korea
in the tools researchers use (countrycode issues #74, #139, #286). So no code here is
derived from a name: each is written once, from the code books themselves (Correlates of
War state system membership, Gleditsch and Ward's list of independent states, ISO 3166-1).

>>> COUNTRIES["KOR"].ccode, COUNTRIES["KOR"].gwcode
(732, 732)
"""

from __future__ import annotations

import attrs

__all__ = ["COUNTRIES", "Country"]


@attrs.frozen
class Country:
    """A NATO partner as panels identify it.

    ``framework`` is the NATO partnership framework the partner belongs to (NATO's own name
    for it), a fixed identifier of the group; the partner's dated status within NATO's
    partnerships is the panel's ``designation``.
    """

    iso3: str
    ccode: int
    """Correlates of War state number."""
    gwcode: int
    """Gleditsch–Ward state number."""
    name: str
    framework: str


COUNTRIES = {
    c.iso3: c
    for c in (
        Country("KOR", 732, 732, "South Korea", "Partners across the globe"),
        Country("JPN", 740, 740, "Japan", "Partners across the globe"),
        Country("AUS", 900, 900, "Australia", "Partners across the globe"),
        Country("NZL", 920, 920, "New Zealand", "Partners across the globe"),
    )
}
"""The partners steelbond can code, by ISO 3166-1 alpha-3 code."""
