"""Probing questions for one resume claim: the kit's bank by topic, plus questions built from the claim.

Claim-specific probes quote the claim and go after what a resume line leaves out: how a number was
measured, who did the work behind a "we", why a named tool was chosen, what broke in production.
Scores only order the list; they are not a judgement of the candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.notes.claims.model import Claim
from interviewer.notes.claims.quantities import find_quantities, primary, time_frame
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.topics import topics_for_text

QUOTE_WIDTH = 80
DEFAULT_LIMIT = 6

# The default kit's criteria, and words that identify a similar criterion in another kit.
CLAIM_VERIFICATION = "claim-verification"
JUDGMENT = "judgment"
FAILURE_ARCHAEOLOGY = "failure-archaeology"
PRODUCTION_CONSTRAINTS = "production-constraints"
_CRITERION_HINTS: dict[str, tuple[str, ...]] = {
    CLAIM_VERIFICATION: ("claim", "verif", "ownership", "depth", "evidence", "technical"),
    JUDGMENT: ("judg", "decision", "trade", "design"),
    FAILURE_ARCHAEOLOGY: ("fail", "incident", "debug", "learn", "postmortem", "archaeolog"),
    PRODUCTION_CONSTRAINTS: ("production", "constraint", "operat", "scale", "reliab"),
}
_CRITERION_ORDER = (CLAIM_VERIFICATION, JUDGMENT, FAILURE_ARCHAEOLOGY, PRODUCTION_CONSTRAINTS)

_CONSTRAINT_PHRASES = {
    "latency": "the latency budget",
    "cost": "the budget",
    "scaling": "the load",
    "data-residency": "where the data was allowed to live",
    "privacy": "what the data could be used for",
    "security": "the threat model",
}
_CONSTRAINT_TOPICS = tuple(_CONSTRAINT_PHRASES)


@dataclass(frozen=True)
class ClaimProbe:
    """A question to ask about a claim. `probe_id` is the bank probe's id, or None if built from the claim."""

    text: str
    criterion: str
    topic: str
    probe_id: str | None
    score: float


# ------------------------------------------------------------------ quoting

def shorten(text: str, width: int = QUOTE_WIDTH, focus: tuple[int, int] | None = None) -> str:
    """`text` cut to about `width` characters at word boundaries, with an ellipsis where cut.

    With `focus` (a character span), the window is placed around it, so the number being asked about
    stays in the quote: "…cut p95 latency from 900 ms to 200 ms…".
    """
    text = " ".join(text.split()).rstrip(" .;,")
    if len(text) <= width:
        return text
    if focus is None:
        start, end = 0, width
    else:
        mid = (focus[0] + focus[1]) // 2
        start = max(0, min(mid - width // 2, len(text) - width))
        end = start + width
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    piece = text[start:end].strip(" ,;:.(")
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


# ------------------------------------------------------------------ what a claim says
def _wordset(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words."""
    return frozenset(words.split())



_MULTIPLIER = re.compile(r"\b(?:halv|doubl|tripl|quadrupl)\w*\b|\b(?:half|twice|double|triple)\b", re.IGNORECASE)
_CHANGE_VERB = re.compile(r"\b(?:cut|cutting|reduc\w*|lower\w*|increas\w*|improv\w*|rais\w*|lift\w*|boost\w*|"
                          r"shorten\w*|sav\w*|grew|grow\w*|halv\w*|doubl\w*|tripl\w*|decreas\w*|from|up|down|"
                          r"r[ée]du\w*|hausse|baisse|augment\w*|diminu\w*|[ée]conomis\w*|divis\w*|am[ée]lior\w*)\b|"
                          r"(?<!\w)[+\-−]\s?\d", re.IGNORECASE)
_TEAM_WORDS = re.compile(r"\b(?:we|our|us|team|teams|together|collaborat\w*|helped|assisted|contributed|"
                         r"participated|part of|member of|co-\w+|jointly|alongside|with (?:the|a) [\w-]+ team)\b",
                         re.IGNORECASE)
_LEAD_WORDS = re.compile(r"\b(?:led|lead|leading|managed|manag\w+|oversaw|sponsored|directed|headed|drove|"
                         r"supervised|ran)\b", re.IGNORECASE)
_PEOPLE_WORDS = re.compile(r"\b(?:mentor\w*|coach\w*|hir\w+|recruit\w*|grew the \w+ team|team from|"
                           r"organi[sz]\w+|present\w*|negotiat\w+|goals|process|programme|program|"
                           r"interview\w*|onboard\w*|taught|teach\w*)\b", re.IGNORECASE)
_PRODUCTION_WORDS = re.compile(r"\b(?:production|prod|deploy\w*|ship\w*|launch\w*|serv\w+|real-time|live|"
                               r"users?|customers?|rollout|released?|traffic|requests?|on-call)\b", re.IGNORECASE)
_SYSTEM = re.compile(
    r"\b(?:the|a|an|our|its|their)\s+((?:[\w'/-]+\s+){0,4}?(?:service|pipeline|platform|gateway|system|"
    r"model|models|harness|store|API|cluster|layer|index|registry|stack|engine|tool|framework|library|"
    r"package|dashboard|check|filters?|classifier|benchmark|warehouse|scripts?))\b"
    # the head noun ends the phrase: "the ranking service in PyTorch", not "the weekly model review"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:in|for|with|that|which|to|on|at|by|from|using|across|into|and|of|used|"
    r"serving|handling|so|behind|over|under|as)\b)",
    re.IGNORECASE,
)
_TOOL_STOP = frozenset({
    "I", "We", "A", "An", "The", "EU", "US", "UK", "VP", "API", "ML", "AI", "LLM", "SQL", "GPU", "GPUs", "CI",
    "NDCG", "AUC", "MAPE", "SLAs", "SLOs", "SLA", "SLO", "TB", "GB", "ms", "SKUs", "HIPAA", "GDPR", "PII",
    "CUPED", "OKRs", "PM", "PMs", "CTO", "CEO", "QA", "NLP", "R&D", "PhD", "GitHub", "GitLab", "LinkedIn",
    "YouTube", "McKinsey", "MSc", "BSc",
})
KNOWN_TOOLS = _wordset("""
PyTorch TensorFlow JAX Keras XGBoost LightGBM CatBoost scikit-learn sklearn pandas NumPy Spark PySpark
Airflow Dagster Prefect Kubeflow MLflow Kubernetes Docker Helm Terraform Ray Dask Beam Flink Kafka
Redis PostgreSQL Postgres MySQL BigQuery Snowflake Databricks Redshift dbt S3 SageMaker Vertex FAISS
pgvector Pinecone Weaviate Milvus Qdrant Elasticsearch OpenSearch BM25 Triton vLLM TensorRT ONNX
LangChain LlamaIndex Evidently Grafana Prometheus Datadog Sentry Vault Go Rust Java Scala Python R Julia
Tableau Looker FastAPI Flask Django gRPC GraphQL LoRA QLoRA DeepSpeed FSDP Megatron Horovod Llama
GPT-4 GPT-3.5 Claude Mistral Gemini BERT T5 Whisper CUDA Dataflow Borg Celery RabbitMQ DuckDB Polars
Hive Feast Presto Trino Cassandra MongoDB DynamoDB Lambda Kinesis Pulsar Argo Kubeflow Seldon KServe BentoML
""")


def _criterion(kit: Kit, wanted: str) -> str:
    """`wanted` if the kit has it, else the kit's most similar criterion, else one chosen by position."""
    keys = [c.key for c in kit.criteria]
    if wanted in keys:
        return wanted
    for c in kit.criteria:
        hay = f"{c.key} {c.name} {c.definition}".lower()
        if any(h in hay for h in _CRITERION_HINTS.get(wanted, ())):
            return c.key
    index = _CRITERION_ORDER.index(wanted) if wanted in _CRITERION_ORDER else 0
    return keys[index % len(keys)]


_RATE_WORDS = frozenset({"per", "a", "each", "every", "par", "chaque"})  # "per quarter" is a rate, not a period

# A volume that is a load on a running system: "12k TPS", "3M users", "1.5 billion events per day".
_LOAD = re.compile(r"(?<=TPS)|(?<=QPS)|(?<=RPS)|\s*(?:req/s|rps|qps)\b|\s+(?:[\w-]+\s+){0,2}(?:requests?|queries|"
                   r"events|users|calls|messages|transactions|players|customers|predictions|orders|sessions|"
                   r"requ[êe]tes|utilisateurs|clients|appels)\b", re.IGNORECASE)

# "moved off pandas", "migrated from Hive to Flink", "replaced Airflow with Dagster", "pandas → Polars":
# the tool the claim moves away from is not the one to ask "Why X?" about.
_AWAY_FROM = re.compile(r"\b(?:off|away from|out of|instead of|rather than|from|replac\w*|retir\w*|"
                        r"decommission\w*|sunset\w*)\s+(?:(?:the|a|an|our|their|legacy|old)\s+)?([A-Za-z][\w+#.-]*)"
                        r"|([A-Za-z][\w+#.-]*)\s*(?:→|->|⇒|➔)", re.IGNORECASE)
_VERSION = re.compile(r"\s(?:\d+(?:\.\d+)*)(?:\s\d+(?:\.\d+)?[BMK]\b)?")


def _named_tool(text: str) -> str | None:
    """The technology a claim names, to ask why it was chosen: a known tool or a CamelCase name
    ("DuckDB", "vLLM"), never one the claim moves away from, nor an all-caps acronym that is not a
    technology ("ROI", "MTTR", "NDCG")."""
    away = {(m.group(1) or m.group(2)).lower() for m in _AWAY_FROM.finditer(text)}
    matches = list(re.finditer(r"[A-Za-z][\w+#.-]*[\w+#]|[A-Za-z]", text))
    known = [m for m in matches if m.group(0) in KNOWN_TOOLS and m.group(0).lower() not in away]
    camel = [m for i, m in enumerate(matches) if i > 0 and m.group(0) not in _TOOL_STOP and len(m.group(0)) > 2
             and m.group(0).lower() not in away and re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*|[a-z]+[A-Z]\w*", m.group(0))]
    candidates = known or camel
    if not candidates:
        return None
    chosen = candidates[0]
    version = _VERSION.match(text, chosen.end())
    return chosen.group(0) + (version.group(0) if version and chosen.group(0) in _VERSIONED else "")


_VERSIONED = frozenset({"Llama", "GPT-4", "Mistral", "Gemini", "Claude", "Qwen", "Gemma", "Phi"})


def _system(text: str) -> str | None:
    m = _SYSTEM.search(text)
    if not m:
        return None
    phrase = " ".join(m.group(0).split())
    return phrase if len(phrase) <= 60 else None


# ------------------------------------------------------------------ probes

def _generated(claim: Claim, kit: Kit, topics: tuple[str, ...]) -> list[ClaimProbe]:
    text = claim.text
    top = topics[0] if topics else ""  # French claims get the English probes of their topics
    out: list[ClaimProbe] = []

    def add(body: str, wanted: str, topic: str, score: float) -> None:
        out.append(ClaimProbe(body, _criterion(kit, wanted), topic, None, score))

    quantities = find_quantities(text)
    main = primary(quantities)
    if main is not None:
        q = shorten(text, focus=(main.start, main.end))
        if main.kind == "change":
            add(f"You wrote '{q}'. How were {main.before} and {main.after} measured: the same data, metric "
                f"and period for both?", CLAIM_VERIFICATION, top, 0.95)
        elif _CHANGE_VERB.search(text) or _MULTIPLIER.search(text):
            add(f"You wrote '{q}'. What was it before, and how did you measure it?", CLAIM_VERIFICATION, top, 0.95)
        else:
            add(f"You wrote '{q}'. Where does that number come from, and how was it measured?",
                CLAIM_VERIFICATION, top, 0.9)
    elif _MULTIPLIER.search(text):
        m = _MULTIPLIER.search(text)
        assert m is not None
        add(f"You wrote '{shorten(text, focus=(m.start(), m.end()))}'. What was it before, and how did you "
            f"measure it?", CLAIM_VERIFICATION, top, 0.95)
    frame = time_frame(text)
    if main is not None and frame is not None and frame.split()[0].lower() not in _RATE_WORDS:  # "within 9 months"
        add(f"You wrote '{shorten(text, focus=(main.start, main.end))}'. What else changed {frame} that could "
            f"explain {main.after or main.text}, and how did you rule it out?", CLAIM_VERIFICATION, top, 0.66)
    scale = next((x for x in quantities if x.kind in ("scale", "count") and _LOAD.match(text, x.end)), None)
    if scale is not None:
        add(f"You wrote '{shorten(text, focus=(scale.start, scale.end))}'. Is {scale.text} the peak or the "
            f"average, and what gave out first as it grew?", PRODUCTION_CONSTRAINTS, top, 0.62)

    q = shorten(text)
    people = bool(_PEOPLE_WORDS.search(text)) and not _PRODUCTION_WORDS.search(text)
    if people:
        add(f"You wrote '{q}'. What did you do yourself, and what changed because of it?",
            CLAIM_VERIFICATION, top, 0.8)
    elif _TEAM_WORDS.search(text):
        add(f"You wrote '{q}'. What did you personally build, and what did the team?", CLAIM_VERIFICATION, top, 0.9)
    elif _LEAD_WORDS.search(text):
        add(f"You wrote '{q}'. Which decisions were yours, and what did the people you led build?",
            CLAIM_VERIFICATION, top, 0.8)
    else:
        add(f"You wrote '{q}'. Which part of that was yours alone, and who else worked on it?",
            CLAIM_VERIFICATION, top, 0.55)

    tool = _named_tool(text)
    system = _system(text)
    if tool is not None:
        add(f"You mention {tool}. Why {tool} rather than the alternatives, and would you choose it again today?",
            JUDGMENT, top, 0.8)
    elif system is not None:
        add(f"Walk me through how {system} was put together. Which design decision would you revisit?",
            JUDGMENT, top, 0.75)
    else:
        add(f"What alternatives did you consider for '{q}', and why did you reject them?", JUDGMENT, top, 0.5)

    if people:
        add(f"What went wrong along the way with '{q}', and what did you change because of it?",
            FAILURE_ARCHAEOLOGY, top, 0.65)
    else:
        add(f"What broke first when '{q}' met production?", FAILURE_ARCHAEOLOGY, top,
            0.75 if _PRODUCTION_WORDS.search(text) else 0.6)

    constraint = next((t for t in topics if t in _CONSTRAINT_TOPICS), None)
    if constraint is not None:
        add(f"How did {_CONSTRAINT_PHRASES[constraint]} shape '{q}', and what did you trade away to meet it?",
            PRODUCTION_CONSTRAINTS, constraint, 0.7)
    return out


def _bank(claim: Claim, kit: Kit, topics: tuple[str, ...]) -> list[ClaimProbe]:
    """Kit probes sharing a topic with the claim; the claim's stronger topics rank higher."""
    weight = {t: 1.0 / (1.0 + 0.4 * i) for i, t in enumerate(topics)}
    out: list[ClaimProbe] = []
    per_topic: dict[str, int] = {}
    for order, probe in enumerate(kit.probes):
        shared = [t for t in probe.topics if t in weight]
        if not shared:
            continue
        best = max(shared, key=lambda t: weight[t])
        if per_topic.get(best, 0) >= 2:
            continue
        per_topic[best] = per_topic.get(best, 0) + 1
        strength = min(1.0, weight[best] + 0.1 * (len(shared) - 1))
        if probe.topics[0] not in weight:
            strength *= 0.5  # the probe is mainly about something the claim does not mention
        score = round(0.4 + 0.45 * strength - 0.001 * order, 4)
        out.append(ClaimProbe(probe.text, probe.criterion, best, probe.id, score))
    return out


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def probes_for_claim(claim: Claim, kit: Kit, *, limit: int = DEFAULT_LIMIT) -> list[ClaimProbe]:
    """Ranked probes for a claim: at least 3, spanning at least 2 criteria when the kit has 2.

    `limit` caps the list (it is raised to 3 if lower).
    """
    topics = claim.topics or topics_for_text(claim.text, kit)
    candidates = sorted(_generated(claim, kit, topics) + _bank(claim, kit, topics),
                        key=lambda p: -p.score)
    unique: list[ClaimProbe] = []
    seen: set[str] = set()
    for p in candidates:
        k = _key(p.text)
        if k not in seen:
            seen.add(k)
            unique.append(p)

    limit = max(3, limit)
    n_criteria = len({c.key for c in kit.criteria} | {p.criterion for p in unique})
    cap = limit if n_criteria < 2 else (limit + 1) // 2  # no criterion fills more than half the list
    chosen: list[ClaimProbe] = []
    per_criterion: dict[str, int] = {}
    for p in unique:
        if len(chosen) == limit:
            break
        if per_criterion.get(p.criterion, 0) < cap:
            chosen.append(p)
            per_criterion[p.criterion] = per_criterion.get(p.criterion, 0) + 1
    for p in unique:  # too few after capping: fill up in rank order
        if len(chosen) == limit:
            break
        if p not in chosen:
            chosen.append(p)
    return sorted(chosen, key=lambda p: -p.score)
