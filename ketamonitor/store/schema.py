"""The schema, as numbered migrations applied by sqlite-utils at every start.

Tables are STRICT; times are canonical UTC text (see core.times), checked by GLOB so no other
form can slip in. Charted tables refuse UPDATE and DELETE by trigger: a correction is an
amendment row, and the original stays.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database, Migrations

from ketamonitor.core.audit_chain import GENESIS, SIGNED_RULE, canonical, row_hash

MIGRATION_SET = "ketamonitor"
#: PRAGMA application_id of a ketamonitor database ("KTMN"), how a file is recognised.
APPLICATION_ID = 0x4B544D4E

_RECORD_TABLES = (
    "patients",
    "sessions",
    "vitals",
    "checklist_entries",
    "scale_scores",
    "events",
    "amendments",
    "audit",
)
_ROOM_TABLES = (
    "alerts",
    "alert_events",
    "administrations",
    "protocols",
    "settings",
    "appointments",
    "appointment_cancellations",
)
_PEOPLE_TABLES = ("users", "user_changes", "signatures")
_DRAFT_TABLES = ("protocol_decisions",)
_MEDICATION_TABLES = ("medications",)
_ESCALATION_TABLES = ("escalations", "alert_reviews")
_OVERRIDE_TABLES = ("overrides",)
_RISK_TABLES = ("risk_assessments", "early_ends")
_DOSE_GIVEN_TABLES = ("pump_volumes",)
_KEY_TABLES = ("account_keys",)
_MONITOR_TABLES = ("monitor_frames", "monitor_beds")
#: The readings a frame gave and the nurse's verdicts (migration 0018). `monitor_readings`
#: rows are recorded by their read's audit row (store.verify checks them there).
_READING_TABLES = ("monitor_reads", "monitor_marks")
READINGS_TABLE = "monitor_readings"
#: The append-only tables of the files written before protocol drafts (migration 0005).
_TABLES_BEFORE_DRAFTS = _RECORD_TABLES + _ROOM_TABLES + _PEOPLE_TABLES
#: Rows that are never changed once written: every charted value, every alert and its
#: acknowledgement, every protocol version, countersignature and setting, every account
#: change and signature, every frame a monitor sent and every bed mapped, and the audit
#: trail.
APPEND_ONLY_TABLES = (_TABLES_BEFORE_DRAFTS + _DRAFT_TABLES + _MEDICATION_TABLES
                      + _ESCALATION_TABLES + _OVERRIDE_TABLES + _RISK_TABLES
                      + _DOSE_GIVEN_TABLES + _KEY_TABLES + _MONITOR_TABLES
                      + _READING_TABLES + (READINGS_TABLE,))

_TIME = ("GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]"
         "T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z'")


def _time(column: str, nullable: bool = False) -> str:
    check = f"{column} {_TIME}"
    if nullable:
        return f"{column} TEXT CHECK ({column} IS NULL OR {check})"
    return f"{column} TEXT NOT NULL CHECK ({check})"


migrations = Migrations(MIGRATION_SET)
#: A migration: applied once to the database, in order.
_Migrate = Callable[[Database], None]
#: Every migration this version knows, in order; a file that has applied others was written
#: by a newer ketamonitor and is not opened.
MIGRATION_NAMES: list[str] = []


def _migration(name: str) -> Callable[[_Migrate], _Migrate]:
    MIGRATION_NAMES.append(name)
    return migrations(name=name)


@_migration("0001_record")
def _record(db: Database) -> None:
    statements = [
        f"PRAGMA application_id = {APPLICATION_ID}",
        f"""CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            mrn TEXT NOT NULL UNIQUE CHECK (length(mrn) BETWEEN 1 AND 32),
            family_name TEXT NOT NULL CHECK (length(family_name) > 0),
            given_name TEXT NOT NULL CHECK (length(given_name) > 0),
            birth_date TEXT NOT NULL
                CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
            weight_kg REAL NOT NULL CHECK (weight_kg > 0),
            is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
            {_time("registered_at")},
            registered_by TEXT NOT NULL
        ) STRICT""",
        f"""CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            route TEXT NOT NULL CHECK (route IN ('iv', 'intranasal', 'im')),
            protocol_id TEXT NOT NULL,
            protocol_version INTEGER NOT NULL,
            protocol_name TEXT NOT NULL,
            protocol_toml TEXT NOT NULL,
            chair TEXT NOT NULL CHECK (length(chair) > 0),
            nurse TEXT NOT NULL CHECK (length(nurse) > 0),
            weight_kg REAL NOT NULL CHECK (weight_kg > 0),
            dose_mg_per_kg REAL CHECK (dose_mg_per_kg IS NULL OR dose_mg_per_kg > 0),
            devices INTEGER CHECK (devices IS NULL OR devices > 0),
            total_mg REAL NOT NULL CHECK (total_mg > 0),
            concentration_mg_per_ml REAL,
            volume_ml REAL,
            pump_rate_ml_per_h REAL,
            {_time("began_at")},
            created_by TEXT NOT NULL,
            CHECK ((dose_mg_per_kg IS NULL) <> (devices IS NULL))
        ) STRICT""",
        "CREATE INDEX sessions_by_patient ON sessions(patient_id, began_at)",
        "CREATE INDEX sessions_by_time ON sessions(began_at)",
        f"""CREATE TABLE vitals (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            {_time("observed_at")},
            systolic INTEGER,
            diastolic INTEGER,
            heart_rate INTEGER,
            spo2 INTEGER CHECK (spo2 IS NULL OR spo2 BETWEEN 0 AND 100),
            respiratory_rate INTEGER,
            source TEXT NOT NULL DEFAULT 'manual',
            {_time("entered_at")},
            entered_by TEXT NOT NULL,
            CHECK ((systolic IS NULL) = (diastolic IS NULL)),
            CHECK (diastolic IS NULL OR diastolic < systolic),
            CHECK (COALESCE(systolic, heart_rate, spo2, respiratory_rate) IS NOT NULL)
        ) STRICT""",
        "CREATE INDEX vitals_by_session ON vitals(session_id, observed_at)",
        f"""CREATE TABLE checklist_entries (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            checklist TEXT NOT NULL,
            item TEXT NOT NULL,
            label TEXT NOT NULL,
            value TEXT NOT NULL,
            severity TEXT CHECK (severity IS NULL OR severity IN ('mild', 'moderate', 'severe')),
            intervention TEXT,
            note TEXT,
            {_time("observed_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX checklist_entries_by_session ON checklist_entries(session_id, checklist)",
        f"""CREATE TABLE scale_scores (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            scale TEXT NOT NULL,
            timepoint TEXT,
            total INTEGER NOT NULL CHECK (total >= 0),
            item_scores TEXT NOT NULL CHECK (json_valid(item_scores)),
            {_time("observed_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX scale_scores_by_session ON scale_scores(session_id, scale)",
        f"""CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            kind TEXT NOT NULL,
            phase TEXT CHECK (phase IS NULL OR phase IN ('pre_infusion', 'infusing', 'paused',
                'observation', 'ready_for_discharge', 'discharged', 'stopped_early')),
            text TEXT,
            {_time("occurred_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX events_by_session ON events(session_id, occurred_at)",
        f"""CREATE TABLE amendments (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            reason TEXT NOT NULL CHECK (length(reason) > 0),
            {_time("amended_at")},
            amended_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX amendments_by_session ON amendments(session_id)",
        "CREATE INDEX amendments_by_entity ON amendments(entity, entity_id)",
        f"""CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            {_time("at")},
            user TEXT NOT NULL,
            workstation TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            old_value TEXT,
            new_value TEXT,
            reason TEXT
        ) STRICT""",
        "CREATE INDEX audit_by_entity ON audit(entity, entity_id)",
        "CREATE INDEX audit_by_time ON audit(at)",
    ]
    for statement in statements + _append_only(_RECORD_TABLES):
        db.execute(statement)


def _append_only(tables: tuple[str, ...]) -> list[str]:
    return list(append_only_triggers(tables).values())


def append_only_triggers(tables: tuple[str, ...]) -> dict[str, str]:
    """The triggers that keep each table append-only, by name: `verify` checks the file
    still holds every one with exactly this SQL."""
    return {
        f"{table}_no_{verb.lower()}":
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed or deleted: "
        f"chart a correction as an amendment'); END"
        for table in tables
        for verb in ("UPDATE", "DELETE")
    }


@_migration("0002_room")
def _room(db: Database) -> None:
    """Alerts and their acknowledgements, doses given (devices, lots), clinic protocol
    versions, clinic settings, appointments; and the prescriber of a session."""
    statements = [
        f"""CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
            message TEXT NOT NULL,
            {_time("raised_at")},
            UNIQUE (session_id, key)
        ) STRICT""",
        f"""CREATE TABLE alert_events (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            kind TEXT NOT NULL CHECK (kind IN ('acknowledged', 'cleared')),
            {_time("at")},
            user TEXT NOT NULL,
            action TEXT,
            UNIQUE (alert_id, kind)
        ) STRICT""",
        f"""CREATE TABLE administrations (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            item TEXT NOT NULL CHECK (item IN ('device', 'infusion', 'injection')),
            number INTEGER NOT NULL CHECK (number >= 1),
            amount_mg REAL NOT NULL CHECK (amount_mg > 0),
            lot TEXT NOT NULL CHECK (length(lot) > 0),
            {_time("given_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL,
            UNIQUE (session_id, item, number)
        ) STRICT""",
        f"""CREATE TABLE protocols (
            id INTEGER PRIMARY KEY,
            protocol_id TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            name TEXT NOT NULL,
            toml TEXT NOT NULL,
            based_on TEXT,
            {_time("created_at")},
            created_by TEXT NOT NULL,
            UNIQUE (protocol_id, version)
        ) STRICT""",
        f"""CREATE TABLE settings (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            {_time("set_at")},
            set_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX settings_by_key ON settings(key, id)",
        f"""CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            protocol_id TEXT NOT NULL,
            chair TEXT NOT NULL CHECK (length(chair) > 0),
            {_time("scheduled_for")},
            {_time("created_at")},
            created_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX appointments_by_time ON appointments(scheduled_for)",
        f"""CREATE TABLE appointment_cancellations (
            id INTEGER PRIMARY KEY,
            appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments(id),
            reason TEXT NOT NULL CHECK (length(reason) > 0),
            {_time("cancelled_at")},
            cancelled_by TEXT NOT NULL
        ) STRICT""",
        "ALTER TABLE sessions ADD COLUMN prescriber TEXT",
        "ALTER TABLE sessions ADD COLUMN appointment_id INTEGER REFERENCES appointments(id)",
        "CREATE INDEX alerts_by_session ON alerts(session_id)",
        "CREATE INDEX administrations_by_session ON administrations(session_id)",
    ]
    for statement in statements + _append_only(_ROOM_TABLES):
        db.execute(statement)


@_migration("0003_people")
def _people(db: Database) -> None:
    """Accounts (a username is kept for ever; its changes are rows of their own), signatures,
    and the audit trail made a hash chain (existing rows are chained in order once)."""
    statements = [
        f"""CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 32),
            {_time("created_at")},
            created_by TEXT NOT NULL
        ) STRICT""",
        f"""CREATE TABLE user_changes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            field TEXT NOT NULL
                CHECK (field IN ('display_name', 'roles', 'password_hash', 'disabled')),
            value TEXT NOT NULL,
            {_time("changed_at")},
            changed_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX user_changes_by_user ON user_changes(user_id, id)",
        f"""CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            kind TEXT NOT NULL CHECK (kind IN ('signature', 'addendum')),
            text TEXT,
            signer TEXT NOT NULL,
            printed_name TEXT NOT NULL,
            meaning TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            {_time("signed_at")},
            CHECK ((kind = 'addendum') = (text IS NOT NULL))
        ) STRICT""",
        "CREATE INDEX signatures_by_session ON signatures(session_id)",
        "ALTER TABLE audit ADD COLUMN prev_hash TEXT",
        "ALTER TABLE audit ADD COLUMN hash TEXT",
        "CREATE INDEX audit_by_user ON audit(user, action)",
    ]
    for statement in statements + _append_only(_PEOPLE_TABLES):
        db.execute(statement)
    _chain_existing_audit(db)


def _chain_existing_audit(db: Database) -> None:
    """Chain the rows written before the chain existed, once, in the order they were
    written; the trigger that guards them is lifted for this alone, inside the migration's
    transaction."""
    db.execute("DROP TRIGGER audit_no_update")
    previous = GENESIS
    cursor = db.execute("SELECT * FROM audit ORDER BY id")
    names = [column[0] for column in cursor.description]
    last = None
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        digest = row_hash(previous, row)
        db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                   [previous, digest, row["id"]])
        previous, last = digest, row
    db.execute(_append_only(("audit",))[0])
    if last is not None:
        _mark_rows_before_the_chain(db, last, previous)


#: The audit action of the row that marks where the chain began on an older file.
CHAIN_STARTED = "audit.chain_started"


def _mark_rows_before_the_chain(db: Database, last: dict[str, object], previous: str) -> None:
    """On a file written before the chain, the rows charted until now were audited the old
    way (not always whole, not always under their own table): `verify` can vouch for their
    audit rows (now chained) but not compare them with what was written. This chained row
    says up to which id of each table that holds; every later row is checked in full."""
    legacy = {table: db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
              for table in _TABLES_BEFORE_DRAFTS if table != "audit"}
    row = {"id": int(str(last["id"])) + 1, "at": last["at"], "user": "ketamonitor",
           "workstation": "migration 0003", "action": CHAIN_STARTED, "entity": "audit",
           "entity_id": None, "old_value": None,
           "new_value": canonical({"legacy_rows_up_to": legacy}),
           "reason": "rows charted before the audit chain existed: their audit rows are "
                     "chained, their content cannot be compared"}
    db.execute(f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash) VALUES "
               f"({', '.join('?' for _ in row)}, ?, ?)",
               [*row.values(), previous, row_hash(previous, row)])


@_migration("0004_unsaved_typing")
def _unsaved_typing(db: Database) -> None:
    """What has been typed on a chart and not saved yet (store.unsaved_typing): scratch kept
    through a crash, not the record, so neither append-only nor audited."""
    db.execute(f"""CREATE TABLE unsaved_typing (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        field TEXT NOT NULL CHECK (length(field) BETWEEN 1 AND 40),
        text TEXT NOT NULL,
        typed_by TEXT NOT NULL,
        {_time("typed_at")},
        PRIMARY KEY (session_id, field)
    ) STRICT""")


@_migration("0005_late_entries")
def _late_entries(db: Database) -> None:
    """Why a set of vitals was charted after its session ended (a late entry): its row says
    so itself, beside the time observed and the time entered. Empty on every other row."""
    db.execute("ALTER TABLE vitals ADD COLUMN late_reason TEXT "
               "CHECK (late_reason IS NULL OR length(late_reason) > 0)")


@_migration("0006_protocol_drafts")
def _protocol_drafts(db: Database) -> None:
    """A clinic protocol version saved from now on is a draft until a physician countersigns
    it (or declines it): the decision is a row of its own, never by the draft's author. The
    versions saved before this migration were already in force and stay so: the last of
    their ids is kept once, in a table no one writes again."""
    statements = [
        f"""CREATE TABLE protocol_decisions (
            id INTEGER PRIMARY KEY,
            protocol_row INTEGER NOT NULL UNIQUE REFERENCES protocols(id),
            decision TEXT NOT NULL CHECK (decision IN ('countersigned', 'declined')),
            reason TEXT CHECK (reason IS NULL OR length(reason) > 0),
            {_time("decided_at")},
            decided_by TEXT NOT NULL CHECK (length(decided_by) > 0),
            CHECK (decision = 'countersigned' OR reason IS NOT NULL)
        ) STRICT""",
        """CREATE TRIGGER protocol_decisions_not_by_author BEFORE INSERT ON protocol_decisions
           WHEN NEW.decided_by = (SELECT created_by FROM protocols WHERE id = NEW.protocol_row)
           BEGIN SELECT RAISE(ABORT, 'a protocol draft is decided by a physician other than
           its author'); END""",
        "CREATE TABLE protocol_drafts_began (protocols_before INTEGER NOT NULL) STRICT",
        "INSERT INTO protocol_drafts_began SELECT coalesce(max(id), 0) FROM protocols",
    ]
    for statement in statements + _append_only((*_DRAFT_TABLES, "protocol_drafts_began")):
        db.execute(statement)


@_migration("0007_alert_tiers")
def _alert_tiers(db: Database) -> None:
    """The critical tier. An alert's priority CHECK (low, medium, high) cannot change without
    rebuilding an append-only table that other rows point to, so a critical alert is stored
    as a high one with its tier in a column of its own, read back as one priority."""
    db.execute("ALTER TABLE alerts ADD COLUMN tier TEXT "
               "CHECK (tier IS NULL OR (tier = 'critical' AND priority = 'high'))")


@_migration("0008_vitals_oxygen")
def _vitals_oxygen(db: Database) -> None:
    """What the patient breathed when the SpO2 was read (oxygen in L/min, empty for room
    air and for every set charted before it could be said), and an optional EtCO2 for
    clinics with capnography. RR 0 and SpO2 0 already fit the table: an extreme reading is
    charted once confirmed, and only a value no patient can have is refused."""
    db.execute("ALTER TABLE vitals ADD COLUMN oxygen_l_per_min REAL CHECK (oxygen_l_per_min "
               "IS NULL OR (oxygen_l_per_min > 0 AND oxygen_l_per_min <= 15))")
    db.execute("ALTER TABLE vitals ADD COLUMN etco2 INTEGER "
               "CHECK (etco2 IS NULL OR etco2 BETWEEN 0 AND 150)")


@_migration("0009_medications")
def _medications(db: Database) -> None:
    """Medicines given during a session besides the dose (store.medications): what (its id,
    label and class in the clinic's list when given, so the chart reads the same after the
    list changes), how much, how, when, who ordered and gave it, and the alert it answered."""
    classes = "'antiemetic', 'antihypertensive', 'benzodiazepine', 'oxygen', 'fluid', 'other'"
    statements = [
        f"""CREATE TABLE medications (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            drug TEXT NOT NULL CHECK (length(drug) > 0),
            label TEXT NOT NULL CHECK (length(label) > 0),
            drug_class TEXT NOT NULL CHECK (drug_class IN ({classes})),
            dose REAL NOT NULL CHECK (dose > 0 AND dose <= 100000),
            unit TEXT NOT NULL CHECK (length(unit) > 0),
            route TEXT NOT NULL CHECK (length(route) > 0),
            {_time("given_at")},
            ordered_by TEXT NOT NULL CHECK (length(ordered_by) > 0),
            given_by TEXT NOT NULL CHECK (length(given_by) > 0),
            alert_id INTEGER REFERENCES alerts(id),
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX medications_by_session ON medications(session_id, given_at)",
    ]
    for statement in statements + _append_only(_MEDICATION_TABLES):
        db.execute(statement)


@_migration("0010_escalations")
def _escalations(db: Database) -> None:
    """What was done about a high or critical alert (the actions, a note, the physician
    called and when, what was ordered), one row per alert written with its acknowledgement;
    and which physician has seen each such alert: by acknowledging it, or at signing."""
    statements = [
        f"""CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL UNIQUE REFERENCES alerts(id),
            done TEXT NOT NULL CHECK (json_valid(done) AND json_type(done) = 'array'),
            note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
            physician_called INTEGER NOT NULL CHECK (physician_called IN (0, 1)),
            physician TEXT CHECK (physician IS NULL OR length(physician) BETWEEN 1 AND 500),
            {_time("called_at", nullable=True)},
            ordered TEXT CHECK (ordered IS NULL OR length(ordered) BETWEEN 1 AND 500),
            {_time("entered_at")},
            entered_by TEXT NOT NULL,
            CHECK ((physician_called = 1) = (physician IS NOT NULL AND called_at IS NOT NULL)),
            CHECK (done <> '[]' OR note IS NOT NULL)
        ) STRICT""",
        f"""CREATE TABLE alert_reviews (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL UNIQUE REFERENCES alerts(id),
            how TEXT NOT NULL CHECK (how IN ('acknowledged', 'signed')),
            signature_id INTEGER REFERENCES signatures(id),
            reviewed_by TEXT NOT NULL,
            {_time("reviewed_at")},
            CHECK ((how = 'signed') = (signature_id IS NOT NULL))
        ) STRICT""",
    ]
    for statement in statements + _append_only(_ESCALATION_TABLES):
        db.execute(statement)


@_migration("0012_overrides")
def _overrides(db: Database) -> None:
    """A physician's override (store.overrides): the start despite its holds, or a discharge
    despite its gaps; the holds or gaps listed at that moment (a JSON array of the gate's
    words), the reason, the physician who confirmed it with their password, and when."""
    statements = [
        f"""CREATE TABLE overrides (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            action TEXT NOT NULL CHECK (action IN ('start_infusion', 'discharge')),
            items TEXT NOT NULL CHECK (json_valid(items) AND json_type(items) = 'array'
                                       AND items <> '[]'),
            reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
            physician TEXT NOT NULL CHECK (length(physician) > 0),
            physician_name TEXT NOT NULL CHECK (length(physician_name) > 0),
            {_time("overridden_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX overrides_by_session ON overrides(session_id, id)",
    ]
    for statement in statements + _append_only(_OVERRIDE_TABLES):
        db.execute(statement)


@_migration("0013_risk_assessments")
def _risk_assessments(db: Database) -> None:
    """A physician's risk assessment after PHQ-9 item 9 >= 1: the outcome and plan in the
    clinic's words as chosen (kept as written, so the chart reads the same after the list
    changes), an optional note, and the physician's printed name."""
    statements = [
        f"""CREATE TABLE risk_assessments (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            outcome TEXT NOT NULL CHECK (length(outcome) BETWEEN 1 AND 500),
            plan TEXT NOT NULL CHECK (length(plan) BETWEEN 1 AND 500),
            note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
            physician TEXT NOT NULL CHECK (length(physician) > 0),
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX risk_assessments_by_session ON risk_assessments(session_id)",
    ]
    for statement in statements + _append_only(("risk_assessments",)):
        db.execute(statement)


@_migration("0014_early_ends")
def _early_ends(db: Database) -> None:
    """The outcome of "End session early", one row beside its phase event: transferred to
    emergency care (with the destination), left against advice, the patient's request or
    a clinical stop; and the physician informed."""
    outcomes = "'transferred', 'against_advice', 'patient_request', 'clinical_stop'"
    statements = [
        f"""CREATE TABLE early_ends (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL UNIQUE REFERENCES events(id),
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            outcome TEXT NOT NULL CHECK (outcome IN ({outcomes})),
            destination TEXT CHECK (destination IS NULL OR length(destination) BETWEEN 1 AND 500),
            physician TEXT NOT NULL CHECK (length(physician) BETWEEN 1 AND 500),
            {_time("entered_at")},
            entered_by TEXT NOT NULL,
            CHECK (outcome <> 'transferred' OR destination IS NOT NULL)
        ) STRICT""",
    ]
    for statement in statements + _append_only(("early_ends",)):
        db.execute(statement)


@_migration("0015_doses_given")
def _doses_given(db: Database) -> None:
    """The pump's "volume infused" confirmed by the nurse when an IV infusion ends: with the
    concentration it is the dose given (store.record_pump_volume); a later row corrects an
    earlier one, nothing is changed."""
    statements = [
        f"""CREATE TABLE pump_volumes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            volume_ml REAL NOT NULL CHECK (volume_ml > 0 AND volume_ml <= 100000),
            {_time("observed_at")},
            {_time("entered_at")},
            entered_by TEXT NOT NULL
        ) STRICT""",
    ]
    for statement in statements + _append_only(_DOSE_GIVEN_TABLES):
        db.execute(statement)


#: The audit action of the row that marks where keys began on a file that had an audit trail
#: before them: the rows up to it are unsigned and hashed the old way.
KEYS_STARTED = "keys.started"


@_migration("0016_keys")
def _keys(db: Database) -> None:
    """Each account's Ed25519 key pair (store.keys): its public key and its private key
    sealed under the person's password, a row per issue (creation, an administrator's
    reset, a first login after this upgrade) or reseal (an own password change); each chart
    signature signed with its signer's key over its content hash; and every
    audit row from now on signed by the account that wrote it, with a hash that covers the
    previous row's signature (core.audit_chain). On a file with an audit trail already, a
    chained `keys.started` row says where signing began."""
    statements = [
        f"""CREATE TABLE account_keys (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            public_key TEXT NOT NULL CHECK (length(public_key) = 64),
            sealed_key TEXT NOT NULL CHECK (length(sealed_key) > 0),
            {_time("issued_at")},
            issued_by TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX account_keys_by_user ON account_keys(user_id, id)",
        "ALTER TABLE audit ADD COLUMN signer TEXT",
        "ALTER TABLE audit ADD COLUMN signature TEXT",
        "ALTER TABLE audit ADD COLUMN hash_rule INTEGER",
        # a chart signature's own Ed25519 signature over its content hash (store.signatures)
        "ALTER TABLE signatures ADD COLUMN key_signature TEXT",
    ]
    for statement in statements + _append_only(_KEY_TABLES):
        db.execute(statement)
    last = db.execute("SELECT id, at, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        return  # a new clinic: signed from its first row
    row = {"id": last[0] + 1, "at": last[1], "user": "ketamonitor",
           "workstation": "migration 0016", "action": KEYS_STARTED, "entity": "audit",
           "entity_id": None, "old_value": None,
           "new_value": canonical({"unsigned_rows_up_to": last[0]}),
           "reason": "rows written before accounts had keys are not signed; each account "
                     "gets its key at its next login (trusted on first use)",
           "signer": None, "hash_rule": SIGNED_RULE}
    db.execute(f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash) VALUES "
               f"({', '.join('?' for _ in row)}, ?, ?)",
               [*row.values(), last[2], row_hash(last[2], row)])


@_migration("0017_monitor_feed")
def _monitor_feed(db: Database) -> None:
    """The bedside monitors' feed (issue 21, store.monitor_feed): every frame a monitor sent,
    journaled raw before its ACK (who sent it, its header's ids, its bytes as received up to
    the journal's bound, and the ACK code it was answered with), a resent message (the same
    sending application, facility and control id) stored once; and the map from a monitor,
    or one bed of it, to a chair, the latest row of each winning. The bounds are those of
    core.monitor_feed when this was written (a migration never changes)."""
    statements = [
        f"""CREATE TABLE monitor_frames (
            id INTEGER PRIMARY KEY,
            {_time("received_at")},
            peer TEXT NOT NULL CHECK (length(peer) BETWEEN 3 AND 100),
            sending_application TEXT NOT NULL CHECK (length(sending_application) <= 227),
            sending_facility TEXT NOT NULL CHECK (length(sending_facility) <= 227),
            control_id TEXT CHECK (control_id IS NULL OR length(control_id) BETWEEN 1 AND 199),
            message_type TEXT NOT NULL CHECK (length(message_type) <= 40),
            raw BLOB NOT NULL CHECK (length(raw) <= 16777216),
            size INTEGER NOT NULL CHECK (size >= length(raw)),
            outcome TEXT NOT NULL CHECK (outcome IN ('AA', 'AE', 'AR')),
            reason TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
            CHECK (outcome = 'AA' OR reason IS NOT NULL),
            CHECK (outcome <> 'AA' OR size = length(raw))
        ) STRICT""",
        # a resend is stored once: the journal's insert gives way to this index (a frame
        # with no control id, NULL, is never taken for one)
        """CREATE UNIQUE INDEX monitor_frames_resent
           ON monitor_frames(sending_application, sending_facility, control_id)""",
        "CREATE INDEX monitor_frames_by_time ON monitor_frames(received_at)",
        f"""CREATE TABLE monitor_beds (
            id INTEGER PRIMARY KEY,
            sending_application TEXT NOT NULL
                CHECK (length(sending_application) BETWEEN 1 AND 227),
            sending_facility TEXT NOT NULL CHECK (length(sending_facility) <= 227),
            bed TEXT NOT NULL CHECK (length(bed) <= 227),
            chair TEXT NOT NULL CHECK (length(chair) <= 20),
            {_time("set_at")},
            set_by TEXT NOT NULL CHECK (length(set_by) > 0)
        ) STRICT""",
        """CREATE INDEX monitor_beds_by_key
           ON monitor_beds(sending_application, sending_facility, bed, id)""",
    ]
    for statement in statements + _append_only(_MONITOR_TABLES):
        db.execute(statement)


@_migration("0018_monitor_readings")
def _monitor_readings(db: Database) -> None:
    """A monitor's readings on the charts (issue 21, store.monitor_readings): what reading
    each frame answered AA gave (`monitor_reads`, one per frame, written after its ACK: the
    chair its bed was on, how many sets it held and how many were charted, and why not all
    were), the sets charted for a session (`monitor_readings`, recorded by their read's
    audit row), and the nurse's one verdict on each (`monitor_marks`: accepted as the vitals
    set it was charted as, or an artifact with the reason)."""
    statements = [
        f"""CREATE TABLE monitor_reads (
            id INTEGER PRIMARY KEY,
            frame_id INTEGER NOT NULL UNIQUE REFERENCES monitor_frames(id),
            {_time("read_at")},
            chair TEXT CHECK (chair IS NULL OR length(chair) BETWEEN 1 AND 20),
            sets INTEGER NOT NULL CHECK (sets >= 0),
            charted INTEGER NOT NULL CHECK (charted BETWEEN 0 AND sets),
            note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
            CHECK (charted = sets OR note IS NOT NULL)
        ) STRICT""",
        f"""CREATE TABLE monitor_readings (
            id INTEGER PRIMARY KEY,
            read_id INTEGER NOT NULL REFERENCES monitor_reads(id),
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            {_time("observed_at")},
            systolic INTEGER CHECK (systolic IS NULL OR systolic BETWEEN 0 AND 400),
            diastolic INTEGER CHECK (diastolic IS NULL OR diastolic BETWEEN 0 AND 400),
            heart_rate INTEGER CHECK (heart_rate IS NULL OR heart_rate BETWEEN 0 AND 400),
            spo2 INTEGER CHECK (spo2 IS NULL OR spo2 BETWEEN 0 AND 100),
            respiratory_rate INTEGER
                CHECK (respiratory_rate IS NULL OR respiratory_rate BETWEEN 0 AND 200),
            etco2 INTEGER CHECK (etco2 IS NULL OR etco2 BETWEEN 0 AND 150),
            CHECK ((systolic IS NULL) = (diastolic IS NULL)),
            CHECK (COALESCE(systolic, heart_rate, spo2, respiratory_rate, etco2) IS NOT NULL)
        ) STRICT""",
        "CREATE INDEX monitor_readings_by_session ON monitor_readings(session_id, id)",
        "CREATE INDEX monitor_readings_by_read ON monitor_readings(read_id)",
        f"""CREATE TABLE monitor_marks (
            id INTEGER PRIMARY KEY,
            reading_id INTEGER NOT NULL UNIQUE REFERENCES monitor_readings(id),
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'artifact')),
            vitals_id INTEGER UNIQUE REFERENCES vitals(id),
            reason TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
            {_time("entered_at")},
            entered_by TEXT NOT NULL CHECK (length(entered_by) > 0),
            CHECK ((verdict = 'accepted') = (vitals_id IS NOT NULL)),
            CHECK (verdict <> 'artifact' OR reason IS NOT NULL)
        ) STRICT""",
        "CREATE INDEX monitor_marks_by_session ON monitor_marks(session_id)",
    ]
    for statement in statements + _append_only((*_READING_TABLES, READINGS_TABLE)):
        db.execute(statement)
