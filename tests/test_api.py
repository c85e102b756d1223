"""The query API: answers come from the log asked about, never from another's."""

from __future__ import annotations

import steelbond
from steelbond import EventLog, testing

from .helpers import (
    reliability,
    small_log,
)


@reliability
def test_state_at_never_answers_from_another_logs_timeline():
    logs = []
    for designation in (
        steelbond.Designation.CONTACT_COUNTRY,
        steelbond.Designation.GLOBAL_PARTNER,
    ):
        change = steelbond.kinds.DesignationChange(
            id="d",
            date=steelbond.parse_date("2010"),
            summary="s",
            citations=(testing.sample_citation(),),
            designation=designation,
        )
        logs.append(small_log(1).append(change))
    first_events, second_events = tuple(logs[0]), tuple(logs[1])
    sources, releases = logs[0].sources, logs[0].releases
    answers = []
    for _ in range(20):
        first = EventLog.from_events(first_events, sources, releases)
        steelbond.state_at("2015-06-30", log=first)
        del first  # the next log is usually built at the address just freed
        second = EventLog.from_events(second_events, sources, releases)
        answers.append(steelbond.state_at("2015-06-30", log=second).designation)
    assert set(answers) == {steelbond.Designation.GLOBAL_PARTNER}
