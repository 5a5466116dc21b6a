"""Medicines given during a session: each charted with its audit row, re-checked against
the clinic's medicines list whatever the caller checked (a script is a path in too)."""

from __future__ import annotations

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.medications import MedicationEntry, check_medication
from ketamonitor.core.times import to_stored
from ketamonitor.store.parts import StoreCore

#: The entity name of a medicine given, in amendments (struck as entered in error).
MEDICATIONS = "medications"


class MedicationWrites(StoreCore):
    """`record_medication`: who may chart vitals may chart a medicine given, on a chart
    still open (not finished, not signed)."""

    def record_medication(self, session_id: int, entry: MedicationEntry) -> int:
        """Chart a medicine given; its label and class are kept from the clinic's list as
        it is now, so the chart reads the same after the list changes. Returns its id."""
        began = self._session_charting(session_id)
        medicine = check_medication(entry, self.library.medicines,
                                    now=self.clock.now(), session_began=began,
                                    zone=self.clock.local_zone)
        values = {
            "session_id": session_id,
            "drug": medicine.id,
            "label": medicine.label,
            "drug_class": medicine.drug_class.value,
            "dose": float(entry.dose),
            "unit": entry.unit,
            "route": entry.route,
            "given_at": to_stored(entry.given_at),
            "ordered_by": " ".join(entry.ordered_by.split()),
            "given_by": " ".join(entry.given_by.split()),
            "alert_id": entry.alert_id,
        }
        with self._transaction():
            if entry.alert_id is not None:
                self._check_alert_of_session(session_id, entry.alert_id)
            return self._charted(MEDICATIONS, values)

    def _check_alert_of_session(self, session_id: int, alert_id: int) -> None:
        found = self._db.execute("SELECT session_id FROM alerts WHERE id = ?",
                                 [alert_id]).fetchone()
        if found is None or found[0] != session_id:
            raise ValidationError({"alert": f"alert {alert_id} is not an alert of this "
                                            "session"})
