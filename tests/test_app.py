"""The composition root's wiring that has no window of its own."""

from __future__ import annotations

from interviewer import app
from interviewer.notes.prompts.kits import default_kit_path, load_kit


def test_own_probe_goes_to_a_copy_of_the_default_kit(data_dir):
    services = app.build_services(data_dir)
    before = default_kit_path().read_bytes()
    save = app.probe_saver(services, str(default_kit_path()))
    where = save("judgment", "Which metric would you drop first, and why?", ("evaluation",))
    assert where == str(data_dir.root / "kits" / "my-kit.toml")
    assert default_kit_path().read_bytes() == before  # the default stays read-only
    kit = load_kit(where)
    assert kit.probes[-1].text == "Which metric would you drop first, and why?"
    save("judgment", "A second one?", ())
    assert [p.text for p in load_kit(where).probes][-2:] == ["Which metric would you drop first, and why?",
                                                            "A second one?"]
