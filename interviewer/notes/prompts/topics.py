"""Which of a kit's topics a piece of text (a resume claim, a stretch of transcript) is about.

Each topic slug has a list of keyword patterns with a weight: 1.0 for a word that on its own says
the topic ("drift", "p95", "GDPR"), less for a word that only hints at it ("search", "production").
A topic is reported when the distinct patterns that match add up to at least `MIN_SCORE`.
Topic slugs the kit uses but this table does not know are matched by their own words
(`kubernetes` matches "Kubernetes", `model-cards` matches "model card(s)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from interviewer.notes.prompts.kits import Kit

MIN_SCORE = 0.6
STRONG = 1.0  # cues on transcripts use only keywords at least this strong

_CASE = "(?-i:{})"  # wraps acronyms that must match in capitals (RAG, not "rag")

# topic -> (regex, weight). Regexes are case-insensitive unless wrapped in _CASE.
KEYWORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "evaluation": (
        (r"\beval(?:uat(?:e|es|ed|ing|ion|ions))?s?\b", 1.0),
        (r"\bbenchmark(?:s|ed|ing)?\b", 1.0),
        (r"\b(?:held[- ]out|holdout|test|golden|validation|eval|audit) (?:set|data|split|questions)s?\b", 1.0),
        (r"\boffline metrics?\b", 1.0),
        (r"\bLLM[- ]as[- ](?:a[- ])?judge\b", 1.0),
        (r"\bhuman (?:eval\w*|ratings?|review)\b", 0.8),
        (_CASE.format(r"\b(?:NDCG|MRR|AUC|ROC|F1|BLEU|ROUGE|MAPE|RMSE|WER)\b"), 0.6),
        (r"\b(?<!mixed )(?:precision|recall|accuracy|perplexity)\b", 0.6),
        (r"\bmetrics?\b", 0.3),
    ),
    "retrieval": (
        (_CASE.format(r"\bRAG\b"), 1.0),
        (r"\bretriev(?:al|e|ed|er|ers|ing)\b", 1.0),
        (r"\bvector (?:search|database|db|store|index)e?s?\b", 1.0),
        (r"\bembeddings?\b", 1.0),
        (r"\bsemantic search\b", 1.0),
        (r"\b(?:BM25|FAISS|pgvector|Pinecone|Weaviate|Milvus|Qdrant|ChromaDB|ScaNN|HNSW)\b", 1.0),
        (r"\bnearest[- ]neighbou?rs?\b", 1.0),
        (r"\bre-?rank(?:er|ers|ing|ed)?\b", 1.0),
        (r"\bchunk(?:s|ing|ed)\b", 0.8),
        (r"\b(?:Elasticsearch|OpenSearch|Solr|Lucene)\b", 0.6),
        (r"\bsearch\b", 0.6),
        (r"\brank(?:ing|er)\b", 0.6),
        (r"\brecommend(?:ation|er)s? (?:engine|system|model|service|api|pipeline)s?\b", 0.8),
        (r"\brecommend(?:ation|ations|er|ers)\b", 0.4),
        (r"\bcandidate generation\b", 1.0),
    ),
    "data-drift": (
        (r"\bdrift(?:s|ed|ing)?\b", 1.0),
        (r"\b(?:distribution|covariate|concept|data|dataset|label|domain)[- ]shifts?\b", 1.0),
        (r"\b(?:realistic|temporal|seasonal) shifts?\b", 0.8),
        (r"\bout[- ]of[- ]distribution\b", 0.8),
        (r"\bstale (?:models?|features?|data)\b", 0.8),
        (r"\bseasonal(?:ity)?\b", 0.4),
        (_CASE.format(r"\b(?:PSI|OOD)\b"), 0.6),
    ),
    "labelling": (
        (r"\b(?:re)?label(?:l?ing|l?ed|l?ers?)\b", 1.0),
        (r"\blabels?\b", 0.8),
        (r"\bannotat(?:e|ed|es|ing|ion|ions|or|ors)\b", 1.0),
        (r"\binter-?annotator\b", 1.0),
        (r"\b(?:annotator|rater|labell?er|label) (?:agreement|disagreement)\b", 1.0),
        (r"\bkappa\b", 0.8),
        (r"\bground[- ]truth\b", 0.8),
        (r"\bweak supervision\b", 1.0),
        (r"\b(?:Snorkel|Label Studio|Prodigy|Mechanical Turk|MTurk|Scale AI)\b", 1.0),
        (r"\bcrowd(?:sourc\w+| ?workers)\b", 1.0),
    ),
    "deployment": (
        (r"\bdeploy(?:s|ed|ing|ment|ments)?\b", 1.0),
        (r"\bproductioni[sz](?:e|ed|es|ing)\b", 1.0),
        (r"\b(?:in|to|into) production\b", 0.6),
        (r"\bship(?:s|ped|ping)?\b", 0.6),
        (r"\broll(?:ed)?[- ]?outs?\b", 0.6),
        (r"\breleases?\b", 0.6),
        (r"\bCI/CD\b", 0.8),
        (r"\b(?:Kubernetes|k8s|Helm|Docker|containeri[sz]\w*)\b", 0.8),
        (r"\b(?:SageMaker|Vertex AI|Kubeflow|Seldon|KServe|BentoML|Triton)\b", 0.8),
        (r"\bserving\b", 0.6),
        (r"\bblue[- ]green\b", 1.0),
        (r"\bcanar(?:y|ies)\b", 0.8),
        (r"\bendpoints?\b", 0.4),
        (r"\bTerraform\b", 0.6),
        (r"\bproduction\b", 0.3),
    ),
    "security": (
        (r"\bsecur(?:e|ed|ing|ity)\b", 1.0),
        (r"\bvulnerabilit(?:y|ies)\b", 1.0),
        (r"\bprompt[- ]injections?\b", 1.0),
        (r"\bjailbreak\w*\b", 1.0),
        (r"\bred[- ]team\w*\b", 1.0),
        (r"\bexfiltrat\w+\b", 1.0),
        (r"\bpen(?:etration)?[- ]?test\w*\b", 1.0),
        (r"\bthreat[- ]model\w*\b", 1.0),
        (r"\b(?:SOC ?2|ISO ?27001)\b", 1.0),
        (r"\bsecrets?\b", 0.8),
        (r"\bencrypt\w*\b", 0.8),
        (r"\b(?:OAuth|SSO|authenticat\w+|authori[sz]ation)\b", 0.8),
        (r"\baccess control\w*\b", 0.8),
        (_CASE.format(r"\b(?:IAM|CVEs?)\b"), 0.6),
    ),
    "data-residency": (
        (_CASE.format(r"\bGDPR\b"), 1.0),
        (r"\bdata[- ]residency\b", 1.0),
        (r"\b(?:EU|US|UK|in)[- ]region\b", 1.0),
        (r"\bdata locali[sz]ation\b", 1.0),
        (r"\b(?:data )?sovereign(?:ty)?\b", 1.0),
        (r"\bcross[- ]border\b", 1.0),
        (r"\bSchrems\b", 1.0),
        (r"\bregional (?:keys?|key management|data|clusters?|deployments?|storage)\b", 0.8),
        (_CASE.format(r"\bEU\b"), 0.6),
        (r"\bdata (?:transfers?|exports?)\b", 0.6),
        (r"\bregions?\b", 0.3),
    ),
    "model-swaps": (
        (r"\bmodel[- ](?:swaps?|switch\w*|upgrades?|migrations?|replacements?)\b", 1.0),
        ((r"\b(?:swap|switch|migrat|replac|mov)\w*\b[^.;]{0,30}?\bfrom (?:the )?(?:GPT|Claude|Llama|Mistral|Gemini|"
          r"BERT|T5|[\w-]+ model)"), 1.0),
        (r"\b(?:model|LLM) (?:providers?|vendors?)\b", 0.8),
        (r"\bopen[- ]weights?\b", 0.6),
        (r"\b(?:GPT[- ]?\d[\w.]*|Claude|Llama[\w.-]*|Mistral|Mixtral|Gemini|Qwen|Gemma|PaLM)\b", 0.4),
        (r"\bfallback\b", 0.4),
    ),
    "on-call": (
        (r"\bon[- ]call\b", 1.0),
        (r"\bpager(?:duty)?\b", 1.0),
        (r"\bpag(?:ed|es) (?:per|a|each) (?:week|day|night)\b", 1.0),
        (r"\bgot paged\b", 1.0),
        (r"\bincidents?\b", 1.0),
        (r"\bpost[- ]?mortems?\b", 1.0),
        (r"\boutages?\b", 1.0),
        (r"\bSEV[- ]?\d\b", 1.0),
        (r"\brunbooks?\b", 1.0),
        (r"\bescalations?\b", 0.6),
        (_CASE.format(r"\bSRE\b"), 0.6),
        (r"\bfirefight\w*\b", 0.8),
    ),
    "cost": (
        (r"\bcosts?\b", 1.0),
        (r"\bbudgets?\b", 0.8),
        (r"\bspend\b", 0.8),
        (r"[$£€]\s?\d", 1.0),
        (r"\b\d[\d,.]*\s?(?:USD|EUR|GBP|dollars|euros)\b", 1.0),
        (r"\bcheap(?:er|est)?\b", 0.8),
        (r"\b(?:GPU|compute|cloud|inference) (?:hours|spend|bill|costs?|budget)\b", 1.0),
        (r"\bspot instances?\b", 1.0),
        (r"\bFinOps\b", 1.0),
        (r"\bsav(?:ed|ing|ings)\b", 0.6),
        (r"\bexpensive\b", 0.8),
    ),
    "latency": (
        (r"\blatenc(?:y|ies)\b", 1.0),
        (r"\bp(?:50|90|95|99|999)\b", 1.0),
        (r"\b\d[\d,.]*\s?ms\b", 1.0),
        (r"\bmilliseconds?\b", 1.0),
        (r"\bresponse times?\b", 1.0),
        (r"\b(?:time[- ]to[- ]first[- ]token|TTFT)\b", 1.0),
        (r"\breal[- ]time\b", 0.6),
        (r"\b(?:faster|slower|speed[- ]?up|slow)\b", 0.4),
        (r"\bthroughput\b", 0.3),
    ),
    "hallucination": (
        (r"\bhallucinat\w*\b", 1.0),
        (r"\bconfabulat\w*\b", 1.0),
        (r"\bgrounded(?:ness)?\b", 1.0),
        (r"\bfaithful(?:ness)?\b", 1.0),
        (r"\b(?:invented|fabricated|made[- ]up|fake) (?:\w+ )?(?:citations?|facts?|answers?|references?|sources?)\b",
         1.0),
        (r"\bfactual(?:ity|ly)?\b", 0.8),
        (r"\bcitations?\b", 0.4),
    ),
    "rollback": (
        (r"\broll(?:ed|ing)?[- ]?backs?\b", 1.0),
        (r"\brevert(?:ed|ing|s)?\b", 1.0),
        (r"\bkill[- ]?switch(?:es)?\b", 1.0),
        (r"\bfeature[- ]flags?\b", 0.8),
        (r"\bstaged roll-?outs?\b", 0.8),
        (r"\bcanar(?:y|ies)\b", 0.6),
        (r"\bshadow (?:mode|deployments?|traffic)\b", 0.6),
    ),
    "monitoring": (
        (r"\bmonitor(?:s|ed|ing)?\b", 1.0),
        (r"\bobservability\b", 1.0),
        (r"\bdashboards?\b", 0.8),
        (r"\balert(?:s|ing|ed)?\b", 0.8),
        (r"\b(?:Grafana|Prometheus|Datadog|New Relic|Sentry|Evidently|Arize|WhyLabs|Fiddler|OpenTelemetry)\b",
         0.8),
        (_CASE.format(r"\bSLOs?\b"), 0.6),
        (r"\btrac(?:es|ing)\b", 0.6),
        (r"\blogging\b", 0.4),
    ),
    "training": (
        (r"\b(?:re-?|pre-?)?train(?:s|ed|ing)?\b", 1.0),
        (r"\bdistributed training\b", 1.0),
        (r"\b(?:DeepSpeed|FSDP|Megatron|Horovod|DDP)\b", 1.0),
        (r"\bhyper-?parameters?\b", 0.8),
        (r"\bmixed precision\b", 0.8),
        (_CASE.format(r"\b(?:GPUs?|TPUs?)\b"), 0.6),
        (r"\bepochs?\b", 0.6),
        (r"\bcheckpoint\w*\b", 0.6),
        (r"\b(?:XGBoost|LightGBM|CatBoost|scikit-learn|PyTorch|TensorFlow|JAX|Keras)\b", 0.4),
    ),
    "data-quality": (
        (r"\bdata[- ]quality\b", 1.0),
        (r"\bdata validation\b", 1.0),
        (r"\bGreat Expectations\b", 1.0),
        (r"\bde-?dup\w*\b", 1.0),
        (r"\bclean(?:ed|ing|s|up)?\b", 0.8),
        (r"\b(?:noisy|missing|dirty|corrupt(?:ed)?|bad|duplicate|inconsistent) (?:data|labels|values|records|rows)\b",
         1.0),
        (r"\bdouble[- ]count\w*\b", 1.0),
        (r"\bdata contracts?\b", 1.0),
        (r"\bschema (?:changes?|drift|validation|checks?)\b", 0.8),
        (r"\b(?:upstream|broken) (?:feeds?|data|sources?|tables?|pipelines?)\b", 0.8),
        (r"\blineage\b", 0.8),
        (r"\boutliers?\b", 0.6),
    ),
    "experimentation": (
        (r"\bA/B(?:/n)?\b", 1.0),
        (r"\bAB[- ]tests?\b", 1.0),
        (r"\bsplit[- ]tests?\b", 1.0),
        (r"\bexperimentation\b", 1.0),
        (r"\b(?<!per )experiment(?:s|ed|ing)?\b", 0.6),
        (r"\b(?:CUPED|variance reduction)\b", 1.0),
        (r"\b(?:multi-armed )?bandits?\b", 0.8),
        (r"\bcontrol group\b", 0.8),
        (r"\buplift\b", 0.8),
        (r"\bcausal (?:inference|impact|effects?)\b", 0.8),
        (r"\b(?:statistical(?:ly)? )?significan(?:ce|t)\b", 0.6),
        (r"\brandomi[sz]ed\b", 0.6),
    ),
    "fine-tuning": (
        (r"\bfine[- ]?tun\w+\b", 1.0),
        (_CASE.format(r"\b(?:LoRA|QLoRA|PEFT|RLHF|DPO|SFT)\b"), 1.0),
        (r"\binstruction[- ]tun\w+\b", 1.0),
        (r"\badapters?\b", 0.6),
        (r"\bdistill\w*\b", 0.6),
    ),
    "privacy": (
        (r"\bprivacy\b", 1.0),
        (_CASE.format(r"\bPII\b"), 1.0),
        (r"\bpersonal (?:data|information)\b", 1.0),
        (r"\b(?:anonymi[sz]|pseudonymi[sz]|de-?identif)\w*\b", 1.0),
        (r"\bredact\w*\b", 1.0),
        (r"\b(?:HIPAA|CCPA)\b", 1.0),
        (r"\b(?:patient|customer|user|personal) identifiers?\b", 1.0),
        (r"\bconsent\b", 0.8),
        (_CASE.format(r"\bGDPR\b"), 0.6),
        (r"\bretention polic\w+\b", 0.6),
    ),
    "stakeholders": (
        (r"\bstakeholders?\b", 1.0),
        (r"\bcross[- ]functional\b", 0.8),
        (r"\bpresent(?:ed|ing|s)? (?:\w+ ){0,4}to\b", 0.8),
        (r"\bpartner(?:ed|ing) with\b", 0.8),
        (r"\b(?:product|program|project) managers?\b", 0.6),
        (_CASE.format(r"\b(?:PMs?|VP|VPs|CTO|CEO)\b"), 0.6),
        (r"\b(?:executives?|leadership team|directors?|C-suite)\b", 0.6),
        (r"\bnegotiat\w+\b", 0.6),
        (r"\b(?:roadmaps?|OKRs?|quarterly goals)\b", 0.6),
        (r"\b(?:clinicians|customers|clients|business)\b", 0.4),
        (r"\bworked with\b", 0.4),
    ),
    "scaling": (
        (r"\bscal(?:e|ed|es|ing|able|ability)\b", 1.0),
        ((r"\b(?:requests?|queries|reads|writes|events|orders|messages|transactions|predictions)"
          r"(?: per| a|/| an| each) ?(?:second|sec|s|minute|min|hour|day)\b"), 1.0),
        (_CASE.format(r"\b(?:QPS|RPS)\b"), 1.0),
        (r"\bshard\w*\b", 1.0),
        (r"\b(?:millions?|billions?)\b", 0.8),
        (r"\b\d[\d,.]*\s?(?:TB|PB|terabytes?|petabytes?)\b", 0.8),
        (r"\bhigh[- ](?:volume|traffic|throughput)\b", 0.8),
        (r"\bthroughput\b", 0.8),
        (r"\b\d[\d,.]*\s?[MBk]\b", 0.4),
        (r"\bdistributed\b", 0.6),
        (r"\bat peak\b", 0.6),
        (r"\b(?:Spark|Kafka|Ray|Dask|Beam|Flink)\b", 0.4),
    ),
    "testing": (
        (r"\b(?:unit|integration|regression|contract|end[- ]to[- ]end|smoke|load|property[- ]based) tests?\b", 1.0),
        (r"\btest (?:coverage|suites?|harness(?:es)?|plans?)\b", 1.0),
        (r"\b(?:dbt|data|schema) tests?\b", 1.0),
        (r"\b(?:pytest|unittest|hypothesis testing)\b", 1.0),
        (r"\bcontinuous integration\b", 1.0),
        (_CASE.format(r"\bCI\b"), 0.6),
        (r"\b(?<!A/B )(?<!AB )(?<!split )(?:testing|tested)\b", 0.6),
        (r"\bcoverage\b", 0.6),
        (r"\bQA\b", 0.6),
    ),
    "legacy-systems": (
        (r"\blegacy\b", 1.0),
        (r"\bmonolith\w*\b", 1.0),
        (r"\b(?:mainframes?|COBOL|Fortran)\b", 1.0),
        (r"\bstrangler\b", 1.0),
        (r"\b(?:decommission\w*|deprecat\w*|sunset\w*)\b", 0.8),
        (r"\bre-?(?:platform|architect)\w*\b", 0.8),
        (r"\bmigrat\w+ (?:\w+ ){0,4}(?:from|off)\b", 0.6),
        (r"\b(?:hand-managed|cron|svn|Perl)\b", 0.6),
    ),
}


# The same topics in French resumes (Canadian hiring is bilingual): probes stay in the interview's
# language, so a French claim gets the English probes of its topics.
KEYWORDS_FR: dict[str, tuple[tuple[str, float], ...]] = {
    # French words only: a pattern that also matches English would count an English hit twice.
    "evaluation": ((r"\bévalu(?:ation|ations|er|ée?s?)\b", 1.0), (r"\bjeux? de test\b", 1.0),
                   (r"\bmétriques?\b", 0.3)),
    "retrieval": ((r"\brecherche sémantique\b", 1.0), (r"\b(?:re)?classement\b", 0.8),
                  (r"\bmoteurs? de recherche\b", 0.8), (r"\bplongements?\b", 1.0),
                  (r"\bmoteurs? de recommandation\b", 0.8), (r"\brecherche\b", 0.6)),
    "data-drift": ((r"\bdérives?\b", 1.0), (r"\bchangements? de distribution\b", 1.0)),
    "labelling": ((r"\bétiquet(?:age|ages|er|ée?s?)\b", 1.0), (r"\bannotateurs?\b", 1.0),
                  (r"\bfaiblement supervisée?s?\b", 1.0)),
    "deployment": ((r"\bdéploy(?:ée?s?|er|ons)\b|\bdéploiements?\b", 1.0),
                   (r"\bmise en production\b|\ben production\b", 0.8)),
    "security": ((r"\bsécurité\b", 1.0), (r"\bvulnérabilités?\b", 1.0), (r"\bchiffr(?:ement|é|ée|er)s?\b", 0.8)),
    "data-residency": ((r"\brésidence des données\b", 1.0), (r"\bsouveraineté\b", 1.0), (r"\bloi 25\b", 1.0)),
    "on-call": ((r"\bastreintes?\b", 1.0), (r"\bpannes?\b", 1.0)),
    "cost": ((r"\bco[uû]ts?\b", 1.0), (r"\béconomis\w+\b|\béconomies\b", 0.8), (r"\bfrais\b", 0.6)),
    "latency": ((r"\blatences?\b", 1.0), (r"\btemps de réponse\b", 1.0), (r"\btemps réel\b", 0.6),
                (r"\b\d+(?:e|ème) centile\b", 1.0)),
    "rollback": ((r"\bretours? arrière\b", 1.0), (r"\bdéploiements? progressifs?\b", 0.8)),
    "monitoring": ((r"\bsurveill(?:ance|er|ée?s?)\b", 1.0), (r"\btableaux? de bord\b", 0.8),
                   (r"\balertes\b|\balerte\b", 0.8)),
    "training": ((r"\b(?:ré)?entraîn(?:ement|ements|er|ée?s?)\b", 1.0),),
    "data-quality": ((r"\bqualité des données\b", 1.0), (r"\bnettoyage\b", 0.8), (r"\bdédoublonn\w+\b", 1.0)),
    "experimentation": ((r"\bexpérimentations?\b", 1.0), (r"\bexpériences? contrôlées\b", 1.0)),
    "fine-tuning": ((r"\bajustement fin\b|\baffinage\b", 1.0),),
    "privacy": ((r"\bvie privée\b|\bconfidentialité\b", 1.0), (r"\brenseignements personnels\b", 1.0),
                (r"\bdonnées personnelles\b", 1.0)),
    "stakeholders": ((r"\bparties prenantes\b", 1.0), (r"\bprésentée? (?:\w+ ){0,4}(?:au|aux|à la)\b", 0.8)),
    "scaling": ((r"\bmise à l'échelle\b|\béchelle\b", 1.0), (r"\brequêtes par seconde\b", 1.0),
                (r"\bmilliards?\b", 0.8)),
    "testing": ((r"\btests? (?:unitaires|d'intégration|de régression|de charge)\b", 1.0),
                (r"\bintégration continue\b", 1.0), (r"\bvalidation croisée\b", 0.4)),
    "legacy-systems": ((r"\bhérités?\b", 0.8),),
}


@dataclass(frozen=True)
class TopicMatch:
    """One keyword hit: `text[start:end]` is the matched words."""

    topic: str
    start: int
    end: int
    words: str
    weight: float


@cache
def _compiled(topic: str) -> tuple[tuple[re.Pattern[str], float], ...]:
    rules = KEYWORDS.get(topic)
    if rules is not None:
        rules = rules + KEYWORDS_FR.get(topic, ())
    if rules is None:  # a slug we have no table for: match its own words
        words = [re.escape(w) for w in re.split(r"[-_\s]+", topic) if w]
        rules = ((r"\b" + r"[- ]?".join(words) + r"s?\b", 1.0),) if words else ()
    return tuple((re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in rules)


def kit_topics(kit: Kit) -> tuple[str, ...]:
    """The topics a kit declares, or if it declares none, those its probes use."""
    if kit.topics:
        return kit.topics
    seen: dict[str, None] = {}
    for probe in kit.probes:
        for t in probe.topics:
            seen.setdefault(t, None)
    return tuple(seen)


def topic_matches(text: str, topics: Iterable[str], *, min_weight: float = 0.0) -> list[TopicMatch]:
    """Every keyword hit for the given topics, in text order."""
    out: list[TopicMatch] = []
    for topic in dict.fromkeys(topics):
        for pattern, weight in _compiled(topic):
            if weight < min_weight:
                continue
            out.extend(TopicMatch(topic, m.start(), m.end(), m.group(0), weight) for m in pattern.finditer(text))
    out.sort(key=lambda m: (m.start, -m.weight))
    return out


def topic_scores(text: str, topics: Iterable[str]) -> dict[str, float]:
    """Topic -> strength: the sum of the weights of its distinct matching patterns."""
    scores: dict[str, float] = {}
    for topic in dict.fromkeys(topics):
        total = sum(weight for pattern, weight in _compiled(topic) if pattern.search(text))
        if total >= MIN_SCORE:
            scores[topic] = round(total, 3)
    return scores


def topics_for_text(text: str, kit: Kit, *, limit: int | None = None) -> tuple[str, ...]:
    """The kit's topics this text is about, strongest first (ties: the one mentioned first)."""
    known = kit_topics(kit)
    scores = topic_scores(text, known)
    first: dict[str, int] = {}
    for m in topic_matches(text, scores):
        first.setdefault(m.topic, m.start)
    ranked = sorted(scores, key=lambda t: (-scores[t], first.get(t, len(text)), known.index(t)))
    return tuple(ranked[:limit] if limit is not None else ranked)
