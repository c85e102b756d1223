"""NATO's formal names for a partner's status, in a module of their own.

:class:`Designation` is both a field of the designation events (:mod:`steelbond.kinds`)
and of the state (:mod:`steelbond.state`). It lives here, importing nothing, so that the
state can be built without creating the event classes: a cold ``steelbond.state_at``
answers from the timeline shipped with the data and never imports ``kinds``.
``steelbond.Designation`` and ``steelbond.kinds.Designation`` name this class.
"""

from __future__ import annotations

import enum

__all__ = ["Designation"]


class Designation(enum.Enum):
    """NATO's formal name for a partner's status."""

    NONE = "none"
    CONTACT_COUNTRY = "contact_country"
    GLOBAL_PARTNER = "global_partner"
    PARTNER_ACROSS_THE_GLOBE = "partner_across_the_globe"
    INDO_PACIFIC_PARTNER = "indo_pacific_partner"
