"""The workbook contract (shared/spec/WORKBOOK.md) as data: sheet names, columns, allowed values, defaults.

Everything a user sees is Swedish and lives here; code elsewhere refers to sheets and columns by the
English keys defined in this module, so a renamed header is changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# -- kinds of cell a column holds; reading.py converts each kind and reports what does not fit --
Kind = Literal["text", "int", "number", "date", "yesno", "percent", "choice"]


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    key: English identifier used as the DataFrame column name.
    header: the Swedish header the user sees.
    kind: how the cell is parsed.
    required: whether the header must be present for the header row to be recognised.
    choices: allowed values (lower-case comparison) for kind "choice".
    searched: a text column searched for personal identity numbers and names (xlpy.intake.privacy); every text
    column is, unless it says otherwise.
    """

    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    width: float = 14.0
    searched: bool = True


@dataclass(frozen=True)
class SheetSpec:
    """An input sheet: its Swedish name, an instruction line for new workbooks, and its columns."""

    key: str
    name: str
    instruction: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


OUTCOME_CATEGORIES = ("Arbete", "Studier", "Planering", "Annat")
MOVED_ON_CATEGORIES = ("Arbete", "Studier")
NO_OUTCOME = "Ej registrerat"
ATTENDANCE_STATUSES = ("N", "F", "G")
TERMS = ("vår", "höst")
SECTORS = ("kommunal", "privat", "ideell")
COMPARISONS = (">=", "<=", "mellan")
# -- Deltagare.Kön (WORKBOOK.md); empty = uppgift saknas. Used only for the national follow-up's counts --
GENDERS = ("Kvinna", "Man", "Annat")
GENDER_MISSING = "Uppgift saknas"
# -- Kostnadsposter: who bears a cost item, and whether it is a real cost or a transfer --
ACTORS = ("Kommun", "Region", "Arbetsförmedlingen", "Försäkringskassan", "Staten övrigt", "Individen",
          "Ej fördelat")
ACTOR_UNALLOCATED = "Ej fördelat"
COST_KINDS = ("Real", "Finansiell")
COST_KIND_REAL, COST_KIND_FINANCIAL = COST_KINDS
# -- the sensitivity scenarios, in the order tables show them --
SCENARIOS = ("låg", "bas", "hög")
ROLES = ("processledare", "processmedarbetare", "språkstöd", "SYV")
OUTCOME_TYPES = (
    "extratjänst",
    "nystartsjobb",
    "ordinarie anställning",
    "folkhögskola",
    "Komvux",
    "yrkes-SFI",
    "avslutad av Arbetsförmedlingen",
)

# Goal statuses, in the order the report explains them.
STATUS_MET = "Uppfyllt"
STATUS_NOT_MET = "Ej uppfyllt"
STATUS_ONGOING = "Pågår"
STATUS_NO_BASIS = "Underlag saknas"
STATUSES = (STATUS_MET, STATUS_NOT_MET, STATUS_ONGOING, STATUS_NO_BASIS)

SETTINGS = SheetSpec(
    "settings",
    "Inställningar",
    "Inställningar för projektet. Ändra bara kolumnen Värde; tomma värden ger standardvärdet.",
    (
        Column("key", "Nyckel", "text", True, width=38),
        Column("value", "Värde", "text", True, width=34),
        Column("comment", "Kommentar", "text", width=60),
    ),
)

GOALS = SheetSpec(
    "goals",
    "Mål",
    "Projektets mål. Mått är en nyckel ur METRICS (t.ex. narvaro); Jämförelse är >=, <= eller mellan.",
    (
        Column("goal_id", "MålID", "text", True, width=8),
        Column("description", "Beskrivning", "text", width=60),
        Column("metric", "Mått", "text", True, width=22),
        Column("comparison", "Jämförelse", "choice", True, COMPARISONS, width=12),
        Column("target", "Målvärde", "number", True, width=11),
        Column("target_max", "Målvärde max", "number", width=13),
        Column("active", "Aktiv", "yesno", width=8),
    ),
)

GROUPS = SheetSpec(
    "groups",
    "Grupper",
    "En rad per grupp. GruppID är en kort kod (t.ex. K2 = Klippan grupp 2).",
    (
        Column("group_id", "GruppID", "text", True, width=10),
        Column("municipality", "Kommun", "text", True, width=14),
        Column("group_no", "Gruppnummer", "int", True, width=13),
        Column("term", "Termin", "choice", False, TERMS, width=9),
        Column("start", "Startdatum", "date", True, width=12),
        Column("end", "Slutdatum", "date", True, width=12),
        Column("weeks", "Veckor", "int", width=9),
        Column("internship_weeks", "Praktikveckor", "int", width=13),
        Column("days_per_week", "Dagar per vecka", "int", width=15),
        Column("survey_done", "Enkät genomförd", "yesno", width=15),
        Column("comment", "Kommentar", "text", width=40),
    ),
)

STAFF = SheetSpec(
    "staff",
    "Personal",
    "Bemanning per grupp. Tjänstgöringsgrad i procent. Räknas = nej för budgeterad men ej använd tjänst.",
    (
        Column("group_id", "GruppID", "text", True, width=10),
        Column("role", "Roll", "text", True, width=20),
        Column("percent", "Tjänstgöringsgrad", "percent", True, width=17),
        Column("counts", "Räknas", "yesno", width=9),
        Column("comment", "Kommentar", "text", width=40),
    ),
)

PARTICIPANTS = SheetSpec(
    "participants",
    "Deltagare",
    "En rad per deltagare. DeltagarID är en kod – aldrig namn eller personnummer. "
    "Slutdatum bara om deltagaren slutade innan gruppen.",
    (
        Column("participant_id", "DeltagarID", "text", True, width=12),
        Column("group_id", "GruppID", "text", True, width=10),
        Column("start", "Startdatum", "date", width=12),
        Column("end", "Slutdatum", "date", width=12),
        Column("cv", "CV", "yesno", width=6),
        Column("letter", "Personligt brev", "yesno", width=15),
        Column("guidance", "Vägledning", "yesno", width=11),
        Column("action_plan", "Handlingsplan", "yesno", width=14),
        Column("ill_health", "Ohälsa", "yesno", width=8),
        Column("survey_answered", "Enkät besvarad", "yesno", width=14),
        Column("comment", "Kommentar", "text", width=40),
        # -- last, so the columns of workbooks made before it keep their letters --
        Column("gender", "Kön", "choice", False, GENDERS, width=10),
    ),
)

ATTENDANCE = SheetSpec(
    "attendance",
    "Närvaro",
    "En rad per deltagare och schemalagd dag. Status: N = närvarande, F = frånvarande, G = giltig frånvaro.",
    (
        Column("participant_id", "DeltagarID", "text", True, width=12),
        Column("date", "Datum", "date", True, width=12),
        Column("status", "Status", "choice", True, ATTENDANCE_STATUSES, width=8),
    ),
)

INTERNSHIPS = SheetSpec(
    "internships",
    "Praktik",
    "En rad per erbjuden praktikplats. Period 1, 2, …",
    (
        Column("participant_id", "DeltagarID", "text", True, width=12),
        Column("period", "Period", "int", True, width=8),
        Column("workplace", "Arbetsplats", "text", width=28),
        Column("sector", "Sektor", "choice", False, SECTORS, width=11),
        Column("offered", "Erbjuden", "yesno", width=10),
        Column("participated", "Deltog", "yesno", width=8),
        Column("start", "Startdatum", "date", width=12),
        Column("end", "Slutdatum", "date", width=12),
    ),
)

OUTCOMES = SheetSpec(
    "outcomes",
    "Utfall",
    "Utfall per deltagare. Flera rader går bra: den senaste (efter Datum) räknas.",
    (
        Column("participant_id", "DeltagarID", "text", True, width=12),
        Column("date", "Datum", "date", True, width=12),
        Column("category", "Utfall", "choice", True, OUTCOME_CATEGORIES, width=12),
        Column("type", "Typ", "text", width=28),
        Column("description", "Beskrivning", "text", width=44),
    ),
)

STATISTICS = SheetSpec(
    "statistics",
    "Statistik",
    "Arbetsförmedlingens statistik för målgruppen. Summor räknas ut av programmet.",
    (
        Column("period", "Period", "date", True, width=12),
        Column("municipality", "Kommun", "text", True, width=14),
        Column("unemployed", "Öppet arbetslösa", "int", True, width=16),
        Column("in_programme", "I program", "int", True, width=11),
    ),
)

TEXTS = SheetSpec(
    "texts",
    "Texter",
    "Utvärderarens egna texter till rapportens avsnitt.",
    (
        Column("section", "Avsnitt", "text", True, width=34),
        Column("text", "Text", "text", True, width=100),
    ),
)

# -- surveys (METRICS.md "Surveys"): questions, their answer scales, the answers and who was asked --
SURVEY_QUESTIONS = SheetSpec(
    "survey_questions",
    "Enkätfrågor",
    "En rad per enkätfråga. Skala är ett namn i bladet Skalor; frågor med samma Indikator slås ihop. "
    "EGEN-frågorna är egna exempel, inte NNS-indikatorer: lägg till de NNS-påståenden ni använder, ordagrant.",
    (
        Column("question_id", "FrågeID", "text", True, width=10),
        Column("survey", "Enkät", "text", True, width=14),
        Column("question", "Fråga", "text", True, width=60),
        Column("scale", "Skala", "text", True, width=16),
        Column("indicator", "Indikator", "text", width=22),
        Column("active", "Aktiv", "yesno", width=8),
    ),
)

SCALES = SheetSpec(
    "scales",
    "Skalor",
    "Svarsskalor. Ordning 1 = mest negativ. Positivt = ja räknas som positivt svar. "
    "Räknas = nej (t.ex. Vet ej) lämnas utanför nämnaren.",
    (
        Column("scale", "Skala", "text", True, width=16),
        Column("alternative", "Svarsalternativ", "text", True, width=26),
        Column("order", "Ordning", "int", True, width=9),
        Column("positive", "Positivt", "yesno", width=9),
        Column("counted", "Räknas", "yesno", width=9),
    ),
)

SURVEY_ANSWERS = SheetSpec(
    "survey_answers",
    "Enkätsvar",
    "En rad per svar. SvarID är en anonym kod för ett ifyllt formulär – aldrig ett DeltagarID. "
    "GruppID tomt för enkäter som inte hör till en grupp (t.ex. Styrgrupp).",
    (
        Column("answer_id", "SvarID", "text", True, width=12),
        Column("survey", "Enkät", "text", True, width=14),
        Column("group_id", "GruppID", "text", width=10),
        Column("date", "Datum", "date", True, width=12),
        Column("question_id", "FrågeID", "text", True, width=10),
        Column("answer", "Svar", "text", True, width=26),
    ),
)

MAILINGS = SheetSpec(
    "mailings",
    "Utskick",
    "En rad per utskick av en enkät: hur många som tillfrågades. GruppID får vara tomt.",
    (
        Column("survey", "Enkät", "text", True, width=14),
        Column("group_id", "GruppID", "text", width=10),
        Column("date", "Datum", "date", True, width=12),
        Column("asked", "Tillfrågade", "int", True, width=12),
    ),
)

SURVEY_SHEETS: tuple[SheetSpec, ...] = (SURVEY_QUESTIONS, SCALES, SURVEY_ANSWERS, MAILINGS)

CONTACTS = ("Nådd", "Ej nådd", "Avböjt")
CONTACT_REACHED = "Nådd"

FOLLOWUP = SheetSpec(
    "followup",
    "Uppföljning",
    "En rad per deltagare och mättillfälle efter avslut (t.ex. 6 = sex månader efter avslut). "
    "Status bara när Kontakt är Nådd. Bladet Utfall är fortfarande läget vid avslut.",
    (
        Column("participant_id", "DeltagarID", "text", True, width=12),
        Column("point", "Mättillfälle", "int", True, width=13),
        Column("date", "Datum", "date", True, width=12),
        Column("contact", "Kontakt", "choice", True, CONTACTS, width=11),
        Column("status", "Status", "choice", False, OUTCOME_CATEGORIES, width=12),
        Column("type", "Typ", "text", width=28),
        Column("comment", "Kommentar", "text", width=40),
    ),
)

COST_ITEMS = SheetSpec(
    "cost_items",
    "Kostnadsposter",
    "Valfritt: kostnaden per person och år fördelad på aktörer, i kronor, med källa. Tomt blad = "
    "Inställningarnas reala och finansiella kostnader (Ej fördelat).",
    (
        Column("item", "Post", "text", True, width=34),
        Column("actor", "Aktör", "choice", True, ACTORS, width=20),
        Column("kind", "Slag", "choice", True, COST_KINDS, width=11),
        Column("low", "Låg", "number", width=11),
        Column("base", "Bas", "number", True, width=11),
        Column("high", "Hög", "number", width=11),
        Column("source", "Källa", "text", True, width=50),
    ),
)

BUDGET = SheetSpec(
    "budget",
    "Budget",
    "Valfritt: vad insatsen själv kostar, i kronor per år. Utfall räknas; tomt Utfall = Budget.",
    (
        Column("year", "År", "int", True, width=8),
        Column("item", "Post", "text", width=34),
        Column("budget", "Budget", "number", width=14),
        Column("actual", "Utfall", "number", width=14),
        Column("funder", "Finansiär", "text", width=30),
    ),
)

INPUT_SHEETS: tuple[SheetSpec, ...] = (
    SETTINGS,
    GOALS,
    GROUPS,
    STAFF,
    PARTICIPANTS,
    ATTENDANCE,
    INTERNSHIPS,
    OUTCOMES,
    STATISTICS,
    TEXTS,
    *SURVEY_SHEETS,
    COST_ITEMS,
    BUDGET,
    FOLLOWUP,
)
SHEETS_BY_KEY = {s.key: s for s in INPUT_SHEETS}

# Sheets without which nothing can be computed (exit code 2 when missing).
REQUIRED_SHEETS = ("groups", "participants")
# Sheets a workbook may simply lack (older workbooks): missing, they are empty without a warning.
OPTIONAL_SHEETS = (*(s.key for s in SURVEY_SHEETS), "cost_items", "budget")

# -- output sheets, written by the program; key -> Swedish name --
OUTPUT_SHEETS = {
    "results": "Resultat",
    "goals": "Måluppfyllelse",
    "costs": "Samhällskostnad",
    "overtime": "Över tid",
    "surveys": "Enkätresultat",  # -- only written when the workbook holds survey data --
    "finsam": "Finsam",
    "problems": "Kontroll",
    "followup": "Efter avslut",
}
GENERATED_NOTE = "Skapad av Första Steget-verktyget – ändringar här skrivs över vid nästa beräkning."

# Sections of the Texter sheet the report uses, in report order.
TEXT_SECTIONS = ("Bakgrund och syfte", "Omvärldsbevakning", "Utmaningar", "Sammanfattning och rekommendationer")


@dataclass(frozen=True)
class Setting:
    """A key of the Inställningar sheet: its Swedish name, kind, default and a help text."""

    key: str
    name: str
    kind: Literal["text", "date", "number", "int", "choice", "months"]
    default: object
    help: str
    choices: tuple[str, ...] = ()
    # -- the sane range of a number (inclusive); outside it the value is a data error and the default is
    #    used. Chosen far beyond any real project so that no real value is refused, yet small enough that
    #    no computation can hang or overflow (Kalkylår 10^9, Månadslön 1e300) --
    limits: tuple[float, float] | None = None


SETTING_DEFS: tuple[Setting, ...] = (
    Setting("project_name", "Projektnamn", "text", "Första Steget", "Projektets namn i rapporten."),
    Setting("federation", "Samordningsförbund", "text", "Samordningsförbundet NNV Skåne", "Finansiär."),
    Setting("owner", "Insatsägare", "text", "", "T.ex. Klippans kommun."),
    Setting("evaluator", "Utvärderare", "text", "", "Extern utvärderare."),
    Setting("project_start", "Projektperiod start", "date", None, "Datum."),
    Setting("project_end", "Projektperiod slut", "date", None, "Datum."),
    Setting("report_start", "Rapportperiod start", "date", None, "Datum."),
    Setting("report_end", "Rapportperiod slut", "date", None,
            "Rapportdatum: grupper som slutar efter detta datum är pågående."),
    Setting("real_cost", "Reala kostnader per person och år", "number", 143500, "Kronor (Ingvar Nilsson).",
            limits=(0, 10_000_000)),
    Setting("financial_cost", "Finansiella kostnader per person och år", "number", 8500, "Kronor.", limits=(0, 10_000_000)),
    Setting("monthly_wage", "Månadslön vid arbete", "number", 18000, "Kronor per månad.",
            limits=(0, 10_000_000)),
    Setting("payroll_tax", "Arbetsgivaravgift", "number", 0, "Andel, t.ex. 0,3142. Läggs till produktionsbortfallet.",
            limits=(0, 1)),
    Setting("placements_per_participant", "Praktikplatser per deltagare", "int", 2,
            "Antal praktikplatser varje deltagare ska erbjudas.", limits=(0, 20)),
    Setting("horizon_years", "Kalkylår", "int", 4, "Antal år i kostnadstabellerna.", limits=(1, 50)),
    Setting("discount_rate", "Diskonteringsränta", "number", 0, "Årlig ränta, t.ex. 0,03. 0 = odiskonterat.",
            limits=(0, 1)),
    Setting("excused_absence", "Giltig frånvaro", "choice", "frånvaro",
            "frånvaro = G räknas som frånvaro; exkludera = G lämnas utanför nämnaren.", ("frånvaro", "exkludera")),
    Setting("min_count", "Minsta redovisade antal", "int", 0,
            "Antal under detta visas som <N i rapporten (0 = av).", limits=(0, 1000)),
    Setting("persistence", "Varaktighet", "number", 1,
            "Andel av dem som gått vidare som är kvar i arbete eller studier varje följande år "
            "(1 = alla, som i grundrapporten).", limits=(0, 1)),
    Setting("cost_source", "Källa kostnader", "text",
            "Ingvar Nilsson, socioekonomisk analys (snitt per individ, reala och finansiella kostnader)",
            "Källa som skrivs bredvid kostnadstabellerna."),
    Setting("followup_months", "Uppföljning efter avslut (månader)", "months", "6",
            "Mättillfällen i månader efter avslut, t.ex. 3; 6; 12."),
    Setting("savings_basis", "Besparing räknas på", "choice", "avslut",
            "avslut = de som gått vidare vid avslut; uppföljning = vid sista mättillfället med underlag.",
            ("avslut", "uppföljning")),
)
SETTINGS_BY_NAME = {s.name.lower(): s for s in SETTING_DEFS}
