"""Probes for claims: bank probes by topic plus probes built from the claim, ranked and varied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interviewer.notes.claims.model import Claim
from interviewer.notes.prompts.claim_topics import tagged_claims, tagged_claims_from_file
from interviewer.notes.prompts.kits import Kit, default_kit_path, load_kit, parse_kit
from interviewer.notes.prompts.probes import ClaimProbe, probes_for_claim, shorten
from interviewer.notes.prompts.topics import topics_for_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
RESUMES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".pdf", ".docx"))

_CRITERIA = """
[[criteria]]
key = "claim-verification"
name = "Claim verification"
definition = "Backs a claim with what they did and how it was measured."
anchors = { 1 = "no", 2 = "some", 3 = "most", 4 = "all" }

[[criteria]]
key = "judgment"
name = "Judgment"
definition = "Weighs trade-offs and commits."
anchors = { 1 = "no", 2 = "some", 3 = "most", 4 = "all" }

[[criteria]]
key = "failure-archaeology"
name = "Failure archaeology"
definition = "Reconstructs a real failure."
anchors = { 1 = "no", 2 = "some", 3 = "most", 4 = "all" }

[[criteria]]
key = "production-constraints"
name = "Production constraints"
definition = "Works inside explicit constraints."
anchors = { 1 = "no", 2 = "some", 3 = "most", 4 = "all" }
"""
SMALL_KIT = """
[kit]
name = "small"
version = 1
topics = ["evaluation", "retrieval", "data-drift", "labelling", "deployment", "security", "data-residency",
          "model-swaps", "on-call", "cost", "latency", "hallucination", "rollback", "monitoring", "training",
          "data-quality", "experimentation", "fine-tuning", "privacy", "stakeholders", "scaling", "testing"]
""" + _CRITERIA + """
[[probes]]
id = "lat-1"
criterion = "claim-verification"
topics = ["latency"]
text = "At which percentile was latency measured, and where?"

[[probes]]
id = "lat-2"
criterion = "production-constraints"
topics = ["latency", "cost"]
text = "Your latency budget is 150 ms end to end. What do you cut?"

[[probes]]
id = "drift-1"
criterion = "claim-verification"
topics = ["data-drift", "monitoring"]
text = "What did your drift monitor compute, and how many alerts were real?"

[[probes]]
id = "drift-2"
criterion = "failure-archaeology"
topics = ["data-drift"]
text = "When did quality degrade silently, and how long until someone noticed?"

[[probes]]
id = "cost-1"
criterion = "claim-verification"
topics = ["cost"]
text = "Walk me through the bill before and after."

[[probes]]
id = "ret-1"
criterion = "claim-verification"
topics = ["retrieval", "evaluation"]
text = "What recall at k did you measure, on which queries?"

[[probes]]
id = "roll-1"
criterion = "failure-archaeology"
topics = ["rollback", "deployment"]
text = "Tell me about a deploy you had to roll back."

[[probes]]
id = "oncall-1"
criterion = "failure-archaeology"
topics = ["on-call"]
text = "Take me through the first hour of an incident you handled."

[[probes]]
id = "people-1"
criterion = "judgment"
topics = ["stakeholders"]
text = "A director wants a launch date you think is unsafe. What do you do?"
"""


def small_kit() -> Kit:
    return parse_kit(SMALL_KIT, "small.toml")


def kits() -> list[Kit]:
    out = [small_kit()]
    if default_kit_path().is_file():
        out.append(load_kit())
    return out


def claim(text: str, kit: Kit | None = None) -> Claim:
    c = Claim(text=text, source=text, section="", position=0)
    if kit is not None:
        c.topics = topics_for_text(text, kit)
    return c


def key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# ------------------------------------------------------------------ invariants over every fixture claim

@pytest.mark.parametrize("kit", kits(), ids=lambda k: k.name)
@pytest.mark.parametrize("path", RESUMES, ids=lambda p: p.name)
def test_every_claim_gets_three_probes_over_two_criteria(path: Path, kit: Kit) -> None:
    criteria = {c.key for c in kit.criteria}
    probe_ids = {p.id: p for p in kit.probes}
    quotes = 0
    claims = tagged_claims_from_file(path, kit)
    for c in claims:
        probes = probes_for_claim(c, kit)
        assert len(probes) >= 3, c.text
        assert len({p.criterion for p in probes}) >= 2, c.text
        assert {p.criterion for p in probes} <= criteria
        assert len({key(p.text) for p in probes}) == len(probes), "no duplicates"
        assert [p.score for p in probes] == sorted((p.score for p in probes), reverse=True)
        for p in probes:
            if p.probe_id is not None:
                bank = probe_ids[p.probe_id]
                assert bank.text == p.text and bank.criterion == p.criterion
                assert p.topic in bank.topics and p.topic in c.topics, "bank probes are matched by topic"
            for quoted in re.findall(r"'(.+?)'(?:\.| met| shape|,)", p.text):
                quotes += 1
                assert len(quoted) <= 82, quoted
                assert set(key(quoted).split()) <= set(key(c.text).split()), "quotes come from the claim"
    assert quotes >= len(claims), "claim-specific probes quote the claim"


# ------------------------------------------------------------------ claim-specific probes

def test_number_probe_quotes_the_number_and_asks_for_the_baseline() -> None:
    kit = small_kit()
    c = claim("Rebuilt the product search ranking service in PyTorch, cutting p95 latency from 900 ms to 200 ms "
              "at 3,000 requests per second.", kit)
    probes = probes_for_claim(c, kit)
    top = probes[0]
    assert top.probe_id is None
    assert top.criterion == "claim-verification"
    assert top.text.startswith("You wrote '…")
    assert "from 900 ms to 200 ms" in top.text
    # the claim states the before value: the probe asks how both were measured, not what it was before
    assert top.text.endswith("How were 900 ms and 200 ms measured: the same data, metric and period for both?")
    assert top.topic == "latency"


def test_number_probe_without_a_baseline_asks_for_it() -> None:
    kit = small_kit()
    top = probes_for_claim(claim("Reduced the false-positive rate by 27% with per-merchant thresholds.", kit), kit)[0]
    assert top.text.endswith("What was it before, and how did you measure it?")
    assert "by 27%" in top.text


# ------------------------------------------------------------------ the misfires of issue 19

def verification(text: str) -> list[str]:
    kit = small_kit()
    return [p.text for p in probes_for_claim(claim(text, kit), kit, limit=20) if p.criterion == "claim-verification"]


def all_probes(text: str) -> list[str]:
    kit = small_kit()
    return [p.text for p in probes_for_claim(claim(text, kit), kit, limit=20)]


def test_a_model_name_is_not_the_number_asked_about() -> None:
    texts = verification("Fine-tuned Llama 3 8B on support tickets for the help centre.")
    assert not any("before" in t or "number come from" in t for t in texts), texts
    texts = verification("Fine-tuned Llama 3 8B on support tickets, raising answer acceptance from 0.62 to 0.79.")
    assert any("0.62 and 0.79" in t and "from 0.62 to 0.79" in t for t in texts), texts
    assert not any("'…3 8B" in t or "Llama 3 8B'" in t for t in texts)


def test_from_to_with_decimals() -> None:
    texts = verification("Led the re-annotation of a treebank; inter-annotator kappa from 0.58 to 0.74.")
    assert any("from 0.58 to 0.74" in t and "How were 0.58 and 0.74 measured" in t for t in texts), texts


def test_no_why_for_a_tool_the_claim_moves_away_from() -> None:
    for text in ("Moved feature computation off pandas to Polars, halving the nightly batch.",
                 "Moved the evaluation pipeline off pandas onto DuckDB.",
                 "Migrated 140 features from Hive to Flink.",
                 "Replaced Airflow with Dagster for 300 pipelines.",
                 "pandas → Polars for the nightly features."):
        texts = all_probes(text)
        assert not any(re.search(r"Why (?:pandas|Hive|Airflow)\b", t) for t in texts), texts
    assert any("Why Polars" in t for t in all_probes("Moved feature computation off pandas to Polars."))
    assert any("Why Flink" in t for t in all_probes("Migrated 140 features from Hive to Flink."))


def test_no_why_for_acronyms_that_are_not_technologies() -> None:
    for text in ("Delivered a 3.1× ROI on the support-automation programme.",
                 "Cut MTTR from 45 min to 12 min and hit every KPI in the OKR.",
                 "Raised NDCG by 4% and AUC to 0.81."):
        texts = all_probes(text)
        assert not any(re.search(r"Why [A-Z]{2,}\b", t) for t in texts), texts


def test_french_claims_get_the_english_probes_of_their_topics() -> None:
    kit = small_kit()
    c = claim("Réduction de la latence de l'API de notation de 850 ms à 120 ms grâce à la mise en cache", kit)
    assert "latency" in c.topics
    probes = probes_for_claim(c, kit)
    assert {"lat-1"} <= {p.probe_id for p in probes}
    assert any("How were 850 ms and 120 ms measured" in p.text for p in probes)
    drift = claim("Mise en place d'une surveillance de la dérive des données avec alertes hebdomadaires", kit)
    assert {"data-drift", "monitoring"} <= set(drift.topics)
    assert "drift-1" in {p.probe_id for p in probes_for_claim(drift, kit)}


def test_we_probe_for_team_work() -> None:
    kit = small_kit()
    c = claim("We migrated our warehouse to Snowflake together with the platform team.", kit)
    texts = [p.text for p in probes_for_claim(c, kit)]
    assert any(t.endswith("What did you personally build, and what did the team?") for t in texts)


def test_tool_probe_names_the_tool() -> None:
    kit = small_kit()
    c = claim("Trained gradient-boosted fraud models in XGBoost on 80M transactions.", kit)
    judgment = [p for p in probes_for_claim(c, kit) if p.criterion == "judgment"]
    assert any("XGBoost" in p.text and "alternatives" in p.text for p in judgment)


def test_production_probe_for_a_system_claim() -> None:
    kit = small_kit()
    c = claim("Shipped the recommendations API serving 4M users.", kit)
    texts = [p.text for p in probes_for_claim(c, kit)]
    assert "What broke first when 'Shipped the recommendations API serving 4M users' met production?" in texts


def test_people_claims_are_not_asked_what_broke_in_production() -> None:
    kit = small_kit()
    c = claim("Mentored four engineers and ran the weekly model review.", kit)
    texts = [p.text for p in probes_for_claim(c, kit)]
    assert not any("met production" in t for t in texts)
    assert any(t.startswith("What went wrong along the way with 'Mentored four engineers") for t in texts)


def test_bank_probes_follow_the_claims_topics() -> None:
    kit = small_kit()
    drift = probes_for_claim(claim("Set up drift monitoring on 40 features with Grafana alerts.", kit), kit)
    assert {"drift-1", "drift-2"} <= {p.probe_id for p in drift}
    assert "cost-1" not in {p.probe_id for p in drift}
    cost = probes_for_claim(claim("Cut monthly GPU spend from $42k to $15k with spot instances.", kit), kit)
    assert "cost-1" in {p.probe_id for p in cost}
    assert "drift-1" not in {p.probe_id for p in cost}


def test_a_probe_mainly_about_the_claims_topic_ranks_above_one_that_only_mentions_it() -> None:
    kit = small_kit()
    probes = probes_for_claim(claim("Cut p95 latency from 300 ms to 90 ms.", kit), kit, limit=10)
    order = [p.probe_id for p in probes if p.probe_id]
    assert order.index("lat-1") < order.index("lat-2")


def test_topics_are_computed_when_the_claim_has_none() -> None:
    kit = small_kit()
    bare = Claim("Set up drift monitoring on 40 features.", "", "", 0)
    assert "drift-1" in {p.probe_id for p in probes_for_claim(bare, kit)}


def test_a_claim_with_no_topic_and_no_number_still_gets_three_probes() -> None:
    kit = small_kit()
    probes = probes_for_claim(claim("Organised the reading group.", kit), kit)
    assert len(probes) >= 3
    assert all(p.probe_id is None and p.topic == "" for p in probes)
    assert len({p.criterion for p in probes}) >= 2


def test_limit_caps_the_list_but_never_below_three() -> None:
    kit = small_kit()
    c = claim("Rebuilt the ranking service, cutting p95 latency from 900 ms to 200 ms and cost by 30%.", kit)
    assert len(probes_for_claim(c, kit, limit=4)) == 4
    assert len(probes_for_claim(c, kit, limit=1)) == 3
    assert len(probes_for_claim(c, kit, limit=20)) > 6


def test_no_criterion_fills_more_than_half_a_full_list() -> None:
    kit = small_kit()
    c = claim("Designed the latency dashboards and cut p95 latency from 400 ms to 120 ms for 2M users.", kit)
    probes = probes_for_claim(c, kit, limit=6)
    counts = {k: sum(p.criterion == k for p in probes) for k in {p.criterion for p in probes}}
    assert max(counts.values()) <= 3


def test_generated_probes_map_onto_another_kits_criteria() -> None:
    other = parse_kit("""
[kit]
name = "other"
topics = ["latency"]

[[criteria]]
key = "depth"
name = "Technical depth"
definition = "Explains what they built and the evidence for it."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }

[[criteria]]
key = "tradeoffs"
name = "Trade-offs"
definition = "Makes decisions under uncertainty."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }
""")
    probes = probes_for_claim(claim("Cut p95 latency from 300 ms to 90 ms in Redis.", other), other)
    assert {p.criterion for p in probes} == {"depth", "tradeoffs"}
    assert len(probes) >= 3


def test_a_one_criterion_kit_still_gets_three_probes() -> None:
    one = parse_kit("""
[kit]
name = "one"

[[criteria]]
key = "overall"
name = "Overall"
definition = "Everything."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }
""")
    probes = probes_for_claim(claim("Built the search API."), one)
    assert len(probes) >= 3
    assert {p.criterion for p in probes} == {"overall"}


def test_probes_are_frozen_values() -> None:
    p = ClaimProbe("text", "judgment", "", None, 0.5)
    with pytest.raises(AttributeError):
        p.text = "other"  # type: ignore[misc]


# ------------------------------------------------------------------ shortening quotes

def test_shorten_keeps_short_text_and_drops_the_final_full_stop() -> None:
    assert shorten("Built the search API.") == "Built the search API"


def test_shorten_cuts_long_text_at_a_word_with_an_ellipsis() -> None:
    text = ("Designed a hybrid retrieval pipeline (BM25 plus embeddings in FAISS) that lifted search conversion "
            "by 4.2% in an A/B test with 2M sessions.")
    out = shorten(text)
    assert out.endswith("…") and not out.startswith("…")
    assert len(out) <= 81
    assert text.startswith(out[:-1])


def test_shorten_centres_on_the_focus() -> None:
    text = ("Rebuilt the product search ranking service in PyTorch for the web and mobile apps, cutting p95 "
            "latency from 900 ms to 200 ms at 3,000 requests per second during the holiday peak season.")
    start = text.index("from 900")
    out = shorten(text, focus=(start, start + len("from 900 ms to 200 ms")))
    assert out.startswith("…") and out.endswith("…")
    assert "from 900 ms to 200 ms" in out
    assert len(out) <= 82


def test_fixture_claims_quote_their_numbers() -> None:
    kit = small_kit()
    claims = tagged_claims((FIXTURES / "ml_platform_engineer.txt").read_text(encoding="utf-8"), kit)
    oncall = next(c for c in claims if c.text.startswith("Ran the platform on-call rotation"))
    first = probes_for_claim(oncall, kit)[0]
    assert first.probe_id is None and "'" in first.text
    assert re.search(r"\d", first.text.split("'")[1])


def test_time_frame_and_load_probes() -> None:
    kit = small_kit()
    roi = [p for p in probes_for_claim(claim("Delivered a 3.1× ROI on the support programme within 9 months.", kit),
                                       kit, limit=20) if p.probe_id is None]
    assert any("within 9 months" in p.text and p.criterion == "claim-verification" for p in roi)
    store = probes_for_claim(claim("Leaderboard store on Redis Cluster, 50M players", kit), kit, limit=20)
    assert any(p.text.endswith("Is 50M the peak or the average, and what gave out first as it grew?")
               and p.criterion == "production-constraints" for p in store)
    dataset = probes_for_claim(claim("Fine-tuned a classifier on 120k support tickets.", kit), kit, limit=20)
    assert not any("peak or the average" in p.text for p in dataset)  # a data set's size is not a load
