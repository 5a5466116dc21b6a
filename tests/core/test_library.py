"""The library: shipped files, the clinic's own files beside them, each bad file refused alone."""

from __future__ import annotations

from pathlib import Path

from ketamonitor.core.library import Origin, load_library, resource_text, shipped_library

IV_TEXT = resource_text("protocols", "iv-racemic-ketamine.toml")


def clinic_protocol(protocol_id: str, name: str, **replace: str) -> str:
    text = IV_TEXT.replace('id = "iv-racemic-ketamine"', f'id = "{protocol_id}"').replace(
        'name = "IV racemic ketamine, 0.5 mg/kg over 40 min"', f'name = "{name}"')
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_the_shipped_files_load_without_a_problem():
    library = shipped_library()
    assert library.problems == ()
    assert set(library.protocols) == {"iv-racemic-ketamine", "intranasal-esketamine",
                                      "im-racemic-ketamine"}
    assert {library.origin(p) for p in library.protocols} == {Origin.SHIPPED}
    assert next(iter(library.protocols)) == "iv-racemic-ketamine"  # the first choice offered


def test_each_bad_clinic_file_is_refused_alone_naming_file_key_and_problem(tmp_path: Path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "iv-60.toml").write_text(clinic_protocol(
        "clinic-iv-60", "IV over 60 min", **{"infusion_minutes = 40": "infusion_minutes = 60"}))
    (folder / "broken.toml").write_text("id = \n[dose\n")
    (folder / "low-floor.toml").write_text(clinic_protocol(
        "clinic-low", "Low floor", **{"spo2_below = 92": "spo2_below = 101"}))
    (folder / "no-checklist.toml").write_text(clinic_protocol(
        "clinic-nolist", "No list",
        **{'pre_session = "pre_session"': 'pre_session = "our_pre_session"'}))
    (folder / "shadow.toml").write_text(clinic_protocol("iv-racemic-ketamine", "Shadow"))
    (folder / "notes.txt").write_text("not a protocol")

    library = load_library([folder])

    assert library.protocol("clinic-iv-60").dosing.infusion_minutes == 60
    assert library.origin("clinic-iv-60") is Origin.CLINIC_FILE
    assert set(shipped_library().protocols) < set(library.protocols)
    assert library.protocol("iv-racemic-ketamine").name.startswith("IV racemic")
    problems = {Path(problem.split(": ", 1)[0]).name: problem for problem in library.problems}
    assert set(problems) == {"broken.toml", "low-floor.toml", "no-checklist.toml",
                             "shadow.toml"}
    assert problems["broken.toml"].startswith(f"{folder / 'broken.toml'}: not valid TOML")
    assert problems["low-floor.toml"].endswith("low-floor.toml: thresholds.spo2_below "
                                               "must be 50–100 %")
    assert "checklists.pre_session names checklist our_pre_session, which is not there" in (
        problems["no-checklist.toml"])
    assert "id iv-racemic-ketamine is a shipped protocol's" in problems["shadow.toml"]


def test_a_clinic_checklist_file_can_be_named_by_a_clinic_protocol(tmp_path: Path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    ours = resource_text("checklists", "pre_session.toml").replace(
        'id = "pre_session"', 'id = "our_pre_session"')
    (folder / "our-pre-session.toml").write_text(ours)
    (folder / "iv.toml").write_text(clinic_protocol(
        "clinic-iv", "Our IV",
        **{'pre_session = "pre_session"': 'pre_session = "our_pre_session"'}))
    library = load_library([folder])
    assert library.problems == ()
    assert library.protocol("clinic-iv").checklists.pre_session == "our_pre_session"
    assert library.checklist("our_pre_session").title == "Pre-session checklist"


def test_a_checklist_of_the_wrong_kind_is_refused(tmp_path: Path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "mixed.toml").write_text(clinic_protocol(
        "clinic-mixed", "Mixed",
        **{'pre_session = "pre_session"': 'pre_session = "dissociation"'}))
    (problem,) = load_library([folder]).problems
    assert problem.endswith("checklists.pre_session names checklist dissociation, a presence "
                            "checklist; it must be a yes_no one")


def test_a_missing_clinic_folder_holds_nothing_and_is_no_problem(tmp_path: Path):
    library = load_library([tmp_path / "not-made-yet"])
    assert library.problems == ()
    assert library.protocols.keys() == shipped_library().protocols.keys()
