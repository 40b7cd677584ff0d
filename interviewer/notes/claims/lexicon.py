"""The words resumes are written in: action verbs, role words, section names, dates, contact details.

English and French. Plain vocabularies and the small predicates built on them; no document structure here.
"""

from __future__ import annotations

import re
import unicodedata


# ------------------------------------------------------------------ vocabulary
def wordset(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words."""
    return frozenset(words.split())


def fold(text: str) -> str:
    """Lower case without accents: "Expérience" -> "experience", "Compétences" -> "competences"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Past-tense (and a few present) action verbs that open an accomplishment.
ACTION_PAST = wordset("""
accelerated achieved acquired adapted added addressed administered advanced advised advocated aligned
analysed analyzed annotated anonymised anonymized applied architected assembled assessed attracted audited
authored automated balanced benchmarked boosted bootstrapped brought budgeted built calibrated captured
catalogued centralised centralized chaired championed chose cleaned cleansed co-authored co-founded coached
collaborated collected combined commissioned communicated compiled completed composed computed conceived
conducted configured consolidated constructed consulted containerised containerized contributed converted
convinced coordinated co-led co-wrote corrected crafted created curated customised customized cut debugged
decided decreased decommissioned defined delivered deployed deprecated derived designed detected determined
developed devised diagnosed digitised digitized directed discovered distilled documented doubled drafted
drove earned educated eliminated embedded enabled encoded encrypted engineered enhanced ensured established
estimated evaluated evangelised evangelized examined executed expanded expedited experimented explored
exposed extended extracted facilitated fine-tuned fixed forecast forecasted formalised formalized formulated
fostered found founded gathered generated grew guided halved handled harmonised harmonized headed helped
hired identified implemented improved incorporated increased indexed influenced initiated innovated
inspected installed instituted instrumented integrated interviewed introduced invented investigated
labelled labeled launched laid lectured led leveraged lifted localised localized lowered maintained managed
mapped measured mentored merged migrated minimised minimized mitigated modeled modelled modernised
modernized monitored motivated moved negotiated onboarded open-sourced operated optimised optimized
orchestrated organised organized oversaw overhauled owned paired parallelised parallelized partnered
performed piloted pioneered planned ported predicted prepared presented prevented prioritised prioritized
processed produced productionised productionized profiled programmed proposed prototyped proved provided
published pushed quantified raised ran re-architected rearchitected rebuilt recruited redesigned reduced
refactored refined reimplemented released relabelled relabeled removed reorganised reorganized replaced
reported researched resolved restructured retrained revamped reviewed revised rewrote rolled rolled-out
saved scaled scoped screened secured segmented selected served set shaped shipped shortened simplified
slashed solved sourced spearheaded specified sped split sponsored stabilised stabilized standardised
standardized started steered streamlined strengthened structured supervised supported surfaced switched
synthesised synthesized systematised systematized taught tested tightened took tracked trained transformed
transitioned translated tripled troubleshot tuned unblocked unified upgraded validated verified visualised
visualized won worked wrote
""")

# Base forms, for present-tense resumes ("Lead a team of 6", "Owns the ranking stack", "Building ...").
_ACTION_BASE = wordset("""
accelerate achieve add analyse analyze architect automate benchmark build coach collaborate create cut
debug define deliver deploy design develop direct drive establish evaluate forecast grow guide head help
hire implement improve increase instrument integrate introduce investigate launch lead maintain manage
mentor migrate model monitor optimise optimize orchestrate organise organize own oversee partner plan
prototype reduce refactor rewrite rebuild redesign review run scale set ship shape sponsor
standardise standardize streamline supervise support teach test train tune work write
""")

# Words ending in -ed that describe rather than act.
_NOT_ACTIONS = wordset("""
experienced skilled seasoned motivated self-motivated dedicated detail-oriented results-oriented
results-driven data-driven proven interested based located born married licensed qualified talented
accomplished distinguished focused specialised specialized versed well-versed certified graduated
awarded promoted honoured honored nominated selected-for invited accepted admitted expected required
preferred advanced applied related used joined left returned relocated
""")

LEAD_FILLERS = frozenset({"also", "additionally", "then", "later", "successfully", "personally",
                           "independently", "jointly", "single-handedly", "recently", "previously"})

# Phrases that introduce a claim without an action verb up front.
CLAIM_OPENERS = re.compile(
    r"^(?:responsible for|in charge of|accountable for|(?:was |were )?part of (?:the|a) |member of (?:the|a) |"
    r"key contributor|core contributor|contributor to|involved in|worked on|tech(?:nical)? lead (?:for|on)|"
    r"owner of|first (?:ml|data|machine learning) (?:engineer|hire|scientist))",
    re.IGNORECASE,
)
FLUFF_OPENERS = re.compile(r"^(?:seeking|looking for|aspiring|hoping|eager|passionate|keen|"
                            r"able to|ability to|strong|excellent|proficient|familiar|fluent)\b", re.IGNORECASE)

ROLE_WORDS = wordset("""
engineer engineers scientist scientists manager lead leader head director developer analyst architect
researcher assistant intern internship consultant founder co-founder cto ceo cio vp president officer
specialist associate fellow postdoc postdoctoral student professor lecturer administrator designer
programmer sre devops owner principal contractor freelance freelancer technician coordinator instructor
tutor advisor mle partner chair chief
""")

# Connect a wrapped line to the next one: a line ending in one of these is not finished.
# French job titles, folded (no accents): "Ingénieure ML principale", "Scientifique des données".
ROLE_WORDS_FR = wordset("""
ingenieur ingenieure developpeur developpeuse scientifique analyste chef cheffe directeur directrice responsable
stagiaire chercheur chercheuse consultant consultante architecte gestionnaire conseiller conseillere professeur
professeure charge chargee technicien technicienne fondateur fondatrice cofondateur cofondatrice president
presidente doctorant doctorante postdoctorant postdoctorante enseignant enseignante
""")

# French verbs that state what was done, folded: past participles ("conçu", "déployé") and a few presents.
ACTION_FR = wordset("""
concu developpe mene reduit ameliore automatise deploye forme cree construit dirige encadre lance migre
optimise pilote realise redige ecrit mis mise entraine evalue annote etiquete integre supervise gere
organise concoit developpe augmente diminue accelere conduit coordonne livre publie presente negocie
recrute implemente modernise refondu refait teste valide industrialise assure contribue participe
economise divise double triple
concevoir developper mettre piloter gerer encadrer automatiser deployer optimiser reduire ameliorer migrer
creer construire analyser animer diriger lancer livrer entrainer evaluer integrer moderniser industrialiser
concoit pilote gere encadre automatise deploie optimise reduit ameliore migre cree construit analyse anime
""")

# Nouns that name an action and open a noun-phrase claim, folded:
# "Reduction of false positives by 27%", "Migration de 140 pipelines", "Mise en place d'une surveillance".
NOMINAL_OPENERS = re.compile(
    r"^(?:reduction|migration|implementation|development|design|creation|introduction|automation|deployment|"
    r"launch|roll-?out|redesign|rewrite|re-?architecture|optimi[sz]ation|integration|construction|delivery|"
    r"moderni[sz]ation|consolidation|standardi[sz]ation|overhaul|replacement|expansion|improvement|"
    r"conception|mise en (?:place|oeuvre|production)|developpement|deploiement|refonte|amelioration|"
    r"pilotage|encadrement|lancement|direction|realisation|elaboration|industrialisation|accompagnement|"
    r"automatisation|diminution|augmentation|hausse|baisse|gestion|formation de|animation|"
    r"co-?(?:author|founder|creator)|maintainer|creator|author|owner)\b"
)

# First person in French: "J'ai conçu", "Nous avons réduit", "Je pilote", "On a migré".
FIRST_PERSON_FR = re.compile(
    r"^(?:j'ai|je|nous avons|nous|on a|mon equipe a|notre equipe a)\s+(?:(?:aussi|egalement|ensuite|notamment|"
    r"d'abord|enfin|deja)\s+)?([\w'-]+)"
)

CONNECTORS = wordset("""
de du des la le les l' d' et ou en pour avec sur dans par a au aux qui que dont vers sans chez entre
a an the and or but nor of to for with without by from in into on onto at as via using across over under
than that which who whose whom where when while within through per plus vs is are was were be been being
has have had its their our my his her your this these those also both either each every not only
including such so after before between among against toward towards about around up out
""")

ACRONYMS = wordset("""
ML AI NLP LLM LLMS CV QA SRE VP CTO CEO CIO UK US USA EU IBM AWS GCP SQL API APIS MLOPS HR IT R&D BI ETL
PHD MSC BSC MBA MS BS BA MA BENG MENG NYC SF LA
""")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_FR = (r"(?:janv(?:ier)?|f[ée]v(?:rier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|sept(?:embre)?|"
             r"oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?)\.?")
_MONTH = rf"(?:{_MONTH}|{_MONTH_FR})"
_SEASON = r"(?:spring|summer|autumn|fall|winter|printemps|[ée]t[ée]|automne|hiver)"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE = rf"(?:(?:{_MONTH}\s*[-–—/]\s*)?(?:{_MONTH}|{_SEASON})\s+{_YEAR}|\d{{1,2}}/{_YEAR}|{_YEAR}(?:-\d\d)?|\b(?:present|current|now|today|pr[ée]sent|aujourd['’]hui|actuel(?:lement)?|en cours)\b)"
DATE_RANGE = re.compile(rf"\(?\s*{_DATE}\s*(?:[-–—]+|to|until)\s*{_DATE}\s*\)?|\(?\s*{_DATE}\s*\)?",
                         re.IGNORECASE)
HAS_YEAR = re.compile(rf"\b{_YEAR}\b")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin|github|gitlab|twitter|x)\.com/\S*|"
                  r"\b[\w-]+\.(?:com|org|net|io|dev|ai|me|co|uk)(?:/\S*)?\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+|\()?\d[\d\s().-]{7,}\d")

BULLET = re.compile(r"^\s*(?:[•▪●◦‣∙○■□➢►▶✓✔➤→·]\s*|[-*–—+]\s+|\(?\d{1,2}[.)]\s+|[a-h]\)\s+|o\s+(?=[A-Z])|"
                    r"[\u2190-\u21ff\u2200-\u22ff\u25a0-\u27bf\u2900-\u2bff»›]\s+)")  # arrows, shapes, dingbats
MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SEPARATORS = re.compile(r"\s*(?:\||—|–|•|·|\s-\s|\s{3,}|\bat\b|@)\s*")
ALPHA_WORD = re.compile(r"[^\W\d_][\w'&.+/-]*")

# Section headings, by what their content is.
SECTIONS: dict[str, str] = {}
for _kind, _names in {
    "experience": """experience|work experience|professional experience|relevant experience|industry experience|
        employment|employment history|work history|career history|career|professional background|positions|
        research experience|teaching experience|experience and projects|work|appointments|academic appointments|
        research positions|professional appointments|
        experience professionnelle|experiences professionnelles|experiences|parcours professionnel|
        parcours|emplois|experience de travail|historique professionnel""",
    "projects": """projects|selected projects|personal projects|side projects|key projects|open source|
        open-source|open source contributions|portfolio|projets|projets personnels|projets choisis|
        principaux projets""",
    "achievements": """key achievements|achievements|accomplishments|highlights|career highlights|
        selected achievements|impact|key accomplishments|notable achievements|realisations|
        principales realisations|realisations cles""",
    "summary": """summary|professional summary|profile|professional profile|about|about me|objective|
        career objective|overview|personal statement|introduction|bio|research interests|profil|
        profil professionnel|resume|a propos|objectif|sommaire|presentation""",
    "leadership": """leadership|leadership and community|community|volunteering|volunteer experience|
        activities|extracurricular activities|leadership experience|benevolat|engagement|teaching|enseignement|
        activites""",
    "skip": """education|academic background|qualifications|skills|technical skills|core skills|key skills|
        skills and tools|core competencies|competencies|tools|technologies|tech stack|technical stack|
        certifications|certificates|licenses|licences|courses|coursework|training and certifications|
        languages|interests|hobbies|interests and hobbies|references|publications|selected publications|
        papers|patents|talks|talks and publications|awards|honors|honours|awards and honors|
        awards and honours|contact|contact details|contact information|personal details|
        personal information|links|additional information|invited talks|grants|grants and awards|
        awards and grants|service|professional service|academic service|stack|
        formation|formations|education et formation|diplomes|competences|competences techniques|
        competences cles|outils|langues|certificats|centres dinteret|interets|loisirs|coordonnees|
        technical proficiencies|proficiencies|expertise|areas of expertise|technical expertise|
        tools and technologies|programming languages|frameworks|software|toolkit|languages and tools|
        certifications and training|volunteer|hobbies and interests|savoir-faire|logiciels|recognition|
        memberships|professional memberships|affiliations|press|media|conferences|speaking|presentations|
        workshops|training|trainings|scholarships|distinctions|prix|prix et distinctions|conferences donnees""",
}.items():
    for _name in _names.split("|"):
        SECTIONS[" ".join(_name.split())] = _kind
CLAIM_SECTIONS = frozenset({"experience", "projects", "achievements", "leadership", "other"})


# ------------------------------------------------------------------ small helpers

def split_words(text: str) -> list[str]:
    return text.split()


def bare_word(word: str) -> str:
    return word.strip(".,;:!?()[]{}\"'“”‘’*_`").lower()


def is_action_word_fr(word: str) -> bool:
    """A French verb form that states what was done: "Déployé", "conçu", "automatisé"."""
    raw = bare_word(word)
    if fold(raw) in ACTION_FR:
        return True
    return len(raw) >= 5 and raw.replace("-", "").isalpha() and raw.endswith(("é", "ée", "és", "ées"))


def is_action_word(word: str) -> bool:
    w = bare_word(word)
    if not w or w in _NOT_ACTIONS:
        return False
    if not w.isascii() or w in ACTION_FR:
        return is_action_word_fr(w)
    if w in ACTION_PAST or w in _ACTION_BASE:
        return True
    for prefix in ("co-", "re-", "self-", "hand-", "open-", "auto-"):
        if w.startswith(prefix) and is_action_word(w[len(prefix):]):
            return True
    if w.endswith("ies") and w[:-3] + "y" in _ACTION_BASE:
        return True
    if w.endswith("es") and (w[:-1] in _ACTION_BASE or w[:-2] in _ACTION_BASE):
        return True
    if w.endswith("s") and w[:-1] in _ACTION_BASE:
        return True
    if w.endswith("ing") and len(w) > 5:
        stem = w[:-3]
        if stem in _ACTION_BASE or stem + "e" in _ACTION_BASE or (
            len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in _ACTION_BASE
        ):
            return True
    # Unlisted regular past tenses ("Dockerised", "re-platformed"); not adjectives like "Experienced".
    return len(w) >= 6 and w.endswith("ed") and w.isascii() and w.replace("-", "").isalpha()



def _strip_dates(text: str) -> str:
    return DATE_RANGE.sub(" ", text)


def is_contact(text: str) -> bool:
    text = text[:400]
    if _EMAIL.search(text) or _URL.search(text):
        return True
    m = _PHONE.search(text)
    return m is not None and sum(c.isdigit() for c in m.group(0)) >= 9


def is_date_only(text: str) -> bool:
    rest = re.sub(r"[\W_]+", " ", _strip_dates(text)).strip()
    return bool(HAS_YEAR.search(text) or re.search(r"\b(?:present|présent|aujourd'hui)\b", text, re.I)) and not rest


def has_role_word(text: str) -> bool:
    return any(_role_word(bare_word(w)) for w in re.split(r"[\s/,]+", text))


def _role_word(w: str) -> bool:
    return w in ROLE_WORDS or w.rstrip("s") in ROLE_WORDS or fold(w).rstrip("s") in ROLE_WORDS_FR


def ends_sentence(text: str) -> bool:
    t = text.rstrip(" *_)\"'”’")
    if not t.endswith((".", "!", "?")):
        return False
    last = bare_word(t.split()[-1]) if t.split() else ""
    return last not in {"inc", "ltd", "co", "corp", "llc", "plc", "e.g", "i.e", "etc", "vs"}


def ends_with_connector(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return False
    if t.endswith((",", ";", ":", "&", "(", "/", "+")) or (t.endswith("-") and not t.endswith(" -")):
        return True
    return bare_word(t.split()[-1]) in CONNECTORS

