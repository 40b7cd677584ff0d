"""Kits: the bundled default is complete; malformed kits are reported with file and line."""

from __future__ import annotations

import pytest

from interviewer.core.errors import KitError
from interviewer.notes.prompts.kits import default_kit_path, load_kit, parse_kit

CRITERIA = ["claim-verification", "judgment", "failure-archaeology", "production-constraints"]

GOOD = """
[kit]
name = "Tiny"
version = 1
topics = ["evaluation", "cost"]

[[criteria]]
key = "judgment"
name = "Judgment"
definition = "Weighs trade-offs."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }

[[probes]]
id = "j-1"
criterion = "judgment"
topics = ["cost"]
text = "What would you cut first?"
"""


def test_default_kit_is_complete():
    kit = load_kit()
    assert [c.key for c in kit.criteria] == CRITERIA
    for c in kit.criteria:
        assert sorted(c.anchors) == [1, 2, 3, 4]
        assert c.definition and "\n" not in c.definition
        probes = kit.probes_for(c.key)
        assert len(probes) >= 10, c.key
        assert all(p.topics for p in probes)
    for topic in ("evaluation", "retrieval", "data-drift", "labelling", "deployment", "data-residency",
                  "model-swaps", "on-call", "cost"):
        assert topic in kit.topics
        assert kit.probes_for(topic=topic), topic
    assert len({p.id for p in kit.probes}) == len(kit.probes)


def test_good_kit_parses():
    kit = parse_kit(GOOD, "tiny.toml")
    assert kit.criterion("judgment").anchors[4] == "d"
    assert kit.probes[0].topics == ("cost",)


@pytest.mark.parametrize(("broken", "line", "message"), [
    (GOOD.replace('name = "Tiny"', 'name = "Tiny'), 3, "not valid TOML"),
    (GOOD.replace('anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }', 'anchors = { 1 = "a" }'), 7,
     "anchors"),
    (GOOD.replace('criterion = "judgment"', 'criterion = "trivia"'), 13, "unknown criterion 'trivia'"),
    (GOOD.replace('topics = ["cost"]', 'topics = ["astrology"]'), 13, "unknown topic"),
    (GOOD.replace('key = "judgment"', 'key = "Judgment Call"'), 7, "lower-case"),
    (GOOD + '\n[[probes]]\nid = "j-1"\ncriterion = "judgment"\ntext = "again"\n', 19, "used twice"),
    (GOOD.replace('text = "What would you cut first?"', ""), 13, "'text' must be a non-empty string"),
])
def test_kit_errors_name_file_and_line(broken, line, message):
    with pytest.raises(KitError) as err:
        parse_kit(broken, "kits/broken.toml")
    assert err.value.line == line
    assert str(err.value).startswith(f"kits/broken.toml:{line}: ")
    assert message in str(err.value)


def test_kit_without_header(tmp_path):
    p = tmp_path / "k.toml"
    p.write_text('[[criteria]]\nkey = "a"\n')
    with pytest.raises(KitError, match=r"k\.toml:1: missing the \[kit\] table"):
        load_kit(p)


def test_missing_and_binary_kit_files(tmp_path):
    with pytest.raises(KitError, match="no such kit file"):
        load_kit(tmp_path / "none.toml")
    p = tmp_path / "bin.toml"
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(KitError, match="not UTF-8"):
        load_kit(p)


def test_dump_round_trips_and_default_is_read_only(tmp_path):
    from interviewer.notes.prompts.kits import copy_kit, default_kit_path, dump_kit, save_kit_file, with_probe

    kit = load_kit()
    again = parse_kit(dump_kit(kit), "copy.toml")
    assert again.criteria == kit.criteria
    assert again.probes == kit.probes
    assert again.extra == kit.extra
    with pytest.raises(KitError, match="read-only"):
        save_kit_file(kit, default_kit_path())
    path = copy_kit(kit, tmp_path, "Team kit")
    assert path == tmp_path / "kits" / "team-kit.toml"
    edited = with_probe(load_kit(path), criterion="judgment", text="Which would you cut first?",
                        topics=("cost", "not-a-topic"))
    save_kit_file(edited, path)
    back = load_kit(path)
    assert back.name == "Team kit"
    assert back.probes[-1].text == "Which would you cut first?"
    assert back.probes[-1].topics == ("cost",)
    assert back.probes[-1].id == "judgment-own-01"
    with pytest.raises(KitError, match="already exists"):
        copy_kit(kit, tmp_path, "Team kit")


def test_default_kit_has_the_methods_four_judgment_calls_as_scenario_cards():
    from interviewer.notes import panel

    kit = load_kit()
    cards = {s["id"]: s for s in kit.extra["scenarios"]}
    titles = {k: cards[k]["title"] for k in ("sc-06", "sc-07", "sc-08", "sc-09")}
    assert "Retrieval failures" in titles["sc-06"]
    assert "model swap" in titles["sc-07"]
    assert "Labeller disagreement" in titles["sc-08"]
    assert "Data residency" in titles["sc-09"]
    for key in titles:
        card = cards[key]
        assert card["criterion"] == "judgment"
        kinds = {c["key"] for c in card["constraints"]}
        assert {"imperfect-data", "stakeholder-pressure", "legacy-system"} <= kinds, key
        assert kinds <= set(panel.CONSTRAINT_KEYS)
        assert sorted(card["anchors"]) == ["1", "2", "3", "4"]
    assert len(cards) >= 9
    fa = kit.criterion("failure-archaeology")
    assert "first hypothesis" in fa.anchors[3] and "did not see coming" in fa.anchors[4]
    assert "every field" not in fa.definition


def test_a_scenario_card_with_bad_anchors_is_refused_at_its_line(tmp_path):
    text = default_kit_path().read_text(encoding="utf-8") + (
        '\n[[scenarios]]\nid = "sc-99"\ntitle = "x"\ncriterion = "judgment"\nprompt = "p"\nanchors = { 1 = "a" }\n')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_kit(bad)
    line = len(text.splitlines()) - 5
    assert f"bad.toml:{line}" in str(err.value) and "sc-99" in str(err.value)
