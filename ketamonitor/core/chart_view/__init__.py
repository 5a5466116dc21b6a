"""A session's chart as the people looking at it read it, Qt-free: the rows of its view
(rows), how each event is worded (core.wording's, re-exported here), and building the view
from what was read (build). The session page, the chart's marks and every export (summary
PDF, JSON, CSV, FHIR, the REMS form) word the chart through here, so they say the same
thing by construction."""

from ketamonitor.core.chart_view.build import chart_summary, dose_words
from ketamonitor.core.chart_view.rows import (
    AMENDED,
    CHARTED,
    IN_ERROR,
    AlertRow,
    AmendmentRow,
    ArtifactRow,
    AssessmentRow,
    ChecklistPart,
    ChecklistRow,
    DeviceRow,
    EventRow,
    MedicationRow,
    PhaseTime,
    RemsPart,
    ScoreRow,
    SessionSummary,
    SideEffectRow,
    SignatureRow,
    StoppedEarly,
    Timings,
    VitalsRow,
)
from ketamonitor.core.wording import (
    EVENT_KINDS,
    event_label,
    event_words,
    is_phase_change,
)

__all__ = ["AMENDED", "CHARTED", "EVENT_KINDS", "IN_ERROR", "AlertRow", "AmendmentRow",
           "ArtifactRow", "AssessmentRow", "ChecklistPart", "ChecklistRow", "DeviceRow", "EventRow",
           "MedicationRow", "PhaseTime", "RemsPart", "ScoreRow", "SessionSummary",
           "SideEffectRow", "SignatureRow", "StoppedEarly", "Timings", "VitalsRow",
           "chart_summary", "dose_words", "event_label", "event_words",
           "is_phase_change"]
