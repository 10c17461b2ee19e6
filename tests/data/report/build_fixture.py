"""Writes results_example.json: a hand-made results dict (docs/RESULTS.md) with the seed's figures.

Used by the report's unit tests before/independently of xlpy.core. Run: python build_fixture.py
"""

from __future__ import annotations

import json
from pathlib import Path

K = 152_000
WAGE = 18_000


def cost_rows(n: int, per_person: int, years: int = 4) -> list[dict]:
    return [{"year": y, "annual": n * per_person, "cumulative": n * per_person * y} for y in range(1, years + 1)]


def costs(people: int, moved_on: int) -> dict:
    hander = cost_rows(people, K)
    loss = cost_rows(people, WAGE * 12)
    total = [
        {"year": a["year"], "annual": a["annual"] + b["annual"], "cumulative": a["cumulative"] + b["cumulative"]}
        for a, b in zip(hander, loss, strict=True)
    ]
    return {
        "people": people, "moved_on": moved_on, "remaining": people - moved_on,
        "om_ingenting_hander": hander, "besparing": cost_rows(moved_on, K),
        "kvarstaende": cost_rows(people - moved_on, K), "produktionsbortfall": loss, "total": total,
    }


def status(value, target, ongoing, lo=None, hi=None):
    if value is None:
        return "Underlag saknas"
    met = (lo <= value <= hi) if lo is not None else value >= target
    if met:
        return "Uppfyllt"
    return "Pågår" if ongoing else "Ej uppfyllt"


def unit(level, key, label, group_ids, municipality, group_no, start, end, ongoing, ended, *, term=None,
         weeks=None, iweeks=None, days=None, started, completers, att, outcomes, types, intern, staffing,
         plan, cv, guid, refs, days_basis, survey):
    n, f, g = att
    moved = outcomes.get("Arbete", 0) + outcomes.get("Studier", 0)
    basis = {
        "narvaro": [n, n + f + g] if n + f + g else None,
        "gruppstorlek": [started, 1],
        "praktik_erbjuden": [completers if intern else 0, completers],
        "cv_brev": [cv, completers], "vagledning": [guid, completers], "handlingsplan": plan,
        "referenser": [refs, completers], "gruppdagar": days_basis, "enkat": [survey, 1],
        "sysselsattning": [moved, started],
    }
    for p, (off, part) in intern.items():
        basis[f"praktik_deltagande_{p}"] = [part, off]
    metrics = {}
    for m, b in basis.items():
        metrics[m] = None if (b is None or b[1] == 0) else (b[0] if m == "gruppstorlek" else b[0] / b[1])
    goals = {
        "M1": metrics["narvaro"], "M2": metrics["gruppstorlek"], "M3": metrics["praktik_erbjuden"],
        "M4": metrics["cv_brev"], "M5": metrics["vagledning"], "M6": metrics["handlingsplan"],
        "M7": metrics["referenser"], "M8": metrics["gruppdagar"], "M9": metrics["enkat"],
    }
    targets = {"M1": 0.8, "M3": 1, "M4": 1, "M5": 1, "M6": 0.75, "M7": 1, "M8": 1, "M9": 1}
    gstat = {}
    for gid, v in goals.items():
        st = status(v, None, ongoing, 5, 10) if gid == "M2" else status(v, targets[gid], ongoing)
        gstat[gid] = {"value": v, "status": st}
    outs = {c: outcomes.get(c, 0) for c in ("Arbete", "Studier", "Planering", "Annat", "Ej registrerat")}
    return {
        "level": level, "key": key, "label": label, "group_ids": group_ids, "municipality": municipality,
        "group_no": group_no, "start": start, "end": end, "ongoing": ongoing, "ended_in_report_period": ended,
        "term": term, "weeks": weeks, "internship_weeks": iweeks, "days_per_week": days,
        "metrics": metrics, "basis": {k: v for k, v in basis.items() if v is not None},
        "counts": {
            "started": started, "completers": completers, "early_leavers": started - completers,
            "moved_on": moved, "remaining": started - moved, "ill_health": 1 if key in ("K2", "2", "Klippan", "all") else 0,
            "attendance": {"N": n, "F": f, "G": g}, "outcomes": outs, "outcome_types": types,
            "internships": {p: {"offered": o, "participated": q} for p, (o, q) in intern.items()},
            "staffing_percent": staffing,
            "distinct_days": days_basis[0] if days_basis else None,
            "planned_days": days_basis[1] if days_basis else None,
        },
        "goals": gstat, "costs": costs(started, moved),
    }


def merge_types(*tss):
    out: dict = {}
    for ts in tss:
        for cat, d in ts.items():
            for t, c in d.items():
                out.setdefault(cat, {})
                out[cat][t] = out[cat].get(t, 0) + c
    return out


T_K1 = {"Arbete": {"extratjänst": 2, "ordinarie anställning": 1}, "Studier": {"Komvux": 2}}
T_K2 = {"Arbete": {"extratjänst": 3, "nystartsjobb": 1, "ordinarie anställning": 1},
        "Studier": {"folkhögskola": 1, "Komvux": 1}, "Annat": {"avslutad av Arbetsförmedlingen": 1}}
T_P2 = {"Arbete": {"extratjänst": 1}, "Studier": {"yrkes-SFI": 2}}

O_K1 = {"Arbete": 3, "Studier": 2, "Planering": 6, "Annat": 0, "Ej registrerat": 1}
O_K2 = {"Arbete": 5, "Studier": 2, "Planering": 3, "Annat": 1}
O_P2 = {"Arbete": 1, "Studier": 2, "Planering": 7}
O_K3 = {"Planering": 0, "Ej registrerat": 10}
O_P3 = {"Ej registrerat": 11}


def add(*ds):
    out: dict = {}
    for d in ds:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def main() -> None:
    g = {
        "K1": unit("group", "K1", "Klippan grupp 1", ["K1"], "Klippan", 1, "2019-04-01", "2019-07-26", False, True,
                   term="vår", weeks=17, iweeks=4, days=4, started=12, completers=11, att=(330, 60, 10),
                   outcomes=O_K1, types=T_K1, intern={"1": (11, 9), "2": (11, 8)}, staffing=200,
                   plan=[9, 11], cv=11, guid=11, refs=10, days_basis=[52, 52], survey=1),
        "K2": unit("group", "K2", "Klippan grupp 2", ["K2"], "Klippan", 2, "2019-09-02", "2019-12-19", False, True,
                   term="höst", weeks=16, iweeks=4, days=4, started=11, completers=8, att=(567, 120, 13),
                   outcomes=O_K2, types=T_K2, intern={"1": (11, 8), "2": (11, 7)}, staffing=150,
                   plan=[7, 10], cv=8, guid=8, refs=8, days_basis=[48, 48], survey=1),
        "P2": unit("group", "P2", "Perstorp grupp 2", ["P2"], "Perstorp", 2, "2019-09-02", "2019-12-19", False, True,
                   term="höst", weeks=16, iweeks=4, days=4, started=10, completers=10, att=(544, 90, 6),
                   outcomes=O_P2, types=T_P2, intern={"1": (10, 8), "2": (10, 8)}, staffing=150,
                   plan=[9, 11], cv=10, guid=10, refs=10, days_basis=[47, 48], survey=1),
        "K3": unit("group", "K3", "Klippan grupp 3", ["K3"], "Klippan", 3, "2020-01-13", "2020-05-08", True, False,
                   term="vår", weeks=17, iweeks=4, days=4, started=10, completers=10, att=(58, 2, 0),
                   outcomes=O_K3, types={}, intern={}, staffing=190,
                   plan=[2, 10], cv=3, guid=4, refs=0, days_basis=[6, 52], survey=0),
        "P3": unit("group", "P3", "Perstorp grupp 3", ["P3"], "Perstorp", 3, "2020-01-13", "2020-05-08", True, False,
                   term="vår", weeks=17, iweeks=4, days=4, started=11, completers=11, att=(60, 6, 0),
                   outcomes=O_P3, types={}, intern={}, staffing=150,
                   plan=[1, 11], cv=2, guid=3, refs=0, days_basis=[6, 52], survey=0),
    }
    # -- the seed's M6 figure is 16 of 21 for group 2 as a whole, so the omgång basis is set directly --
    om = {
        "1": unit("omgang", "1", "Grupp 1", ["K1"], None, 1, "2019-04-01", "2019-07-26", False, True,
                  started=12, completers=11, att=(330, 60, 10), outcomes=O_K1, types=T_K1,
                  intern={"1": (11, 9), "2": (11, 8)}, staffing=200, plan=[9, 11], cv=11, guid=11, refs=10,
                  days_basis=[52, 52], survey=1),
        "2": unit("omgang", "2", "Grupp 2", ["K2", "P2"], None, 2, "2019-09-02", "2019-12-19", False, True,
                  started=21, completers=18, att=(1111, 210, 19), outcomes=add(O_K2, O_P2),
                  types=merge_types(T_K2, T_P2), intern={"1": (21, 16), "2": (21, 15)}, staffing=300,
                  plan=[16, 21], cv=18, guid=18, refs=18, days_basis=[95, 96], survey=2),
        "3": unit("omgang", "3", "Grupp 3", ["K3", "P3"], None, 3, "2020-01-13", "2020-05-08", True, False,
                  started=21, completers=21, att=(118, 8, 0), outcomes=add(O_K3, O_P3), types={}, intern={},
                  staffing=340, plan=[3, 21], cv=5, guid=7, refs=0, days_basis=[12, 104], survey=0),
    }
    om["2"]["goals"]["M9"] = {"value": 1.0, "status": "Uppfyllt"}
    mun = {
        "Klippan": unit("municipality", "Klippan", "Klippan", ["K1", "K2", "K3"], "Klippan", None, "2019-04-01",
                        "2020-05-08", True, False, started=33, completers=29, att=(955, 182, 23),
                        outcomes=add(O_K1, O_K2, O_K3), types=merge_types(T_K1, T_K2),
                        intern={"1": (22, 17), "2": (22, 15)}, staffing=540, plan=[18, 31], cv=22, guid=23,
                        refs=18, days_basis=[106, 152], survey=2),
        "Perstorp": unit("municipality", "Perstorp", "Perstorp", ["P2", "P3"], "Perstorp", None, "2019-09-02",
                         "2020-05-08", True, False, started=21, completers=21, att=(604, 96, 6),
                         outcomes=add(O_P2, O_P3), types=T_P2, intern={"1": (10, 8), "2": (10, 8)},
                         staffing=300, plan=[10, 22], cv=12, guid=13, refs=10, days_basis=[53, 100], survey=1),
    }
    proj = unit("project", "all", "Hela projektet", ["K1", "K2", "P2", "K3", "P3"], None, None, "2019-04-01",
                "2020-05-08", True, False, started=54, completers=50, att=(1559, 278, 29),
                outcomes=add(O_K1, O_K2, O_P2, O_K3, O_P3), types=merge_types(T_K1, T_K2, T_P2),
                intern={"1": (32, 25), "2": (32, 23)}, staffing=840, plan=[28, 53], cv=34, guid=36, refs=28,
                days_basis=[159, 252], survey=3)

    stats_raw = {
        ("2018-09-01", "2018 september"): [("Båstad", 57, 39), ("Klippan", 83, 74), ("Perstorp", 54, 92),
                                           ("Ängelholm", 127, 120), ("Örkelljunga", 50, 39)],
        ("2019-05-01", "2019 maj"): [("Båstad", 30, 61), ("Klippan", 50, 96), ("Perstorp", 39, 104),
                                     ("Ängelholm", 94, 150), ("Örkelljunga", 40, 54)],
        ("2020-01-01", "2020 januari"): [("Båstad", 37, 75), ("Klippan", 69, 107), ("Perstorp", 45, 103),
                                         ("Ängelholm", 94, 180), ("Örkelljunga", 32, 66)],
    }
    statistics = []
    for (period, label), rows in stats_raw.items():
        rs = [{"municipality": m, "unemployed": u, "in_programme": p, "total": u + p} for m, u, p in rows]
        tot_u = sum(r["unemployed"] for r in rs)
        tot_p = sum(r["in_programme"] for r in rs)
        statistics.append({"period": period, "label": label, "rows": rs,
                           "total": {"unemployed": tot_u, "in_programme": tot_p, "total": tot_u + tot_p}})

    def st(role, pct, counts=True, comment=""):
        return {"role": role, "percent": pct, "counts": counts, "comment": comment}

    staff = {
        "K1": [st("processledare", 50), st("processledare", 50), st("processmedarbetare", 50), st("språkstöd", 50)],
        "K2": [st("processledare", 50), st("processmedarbetare", 50), st("språkstöd", 50)],
        "P2": [st("processledare", 50), st("processmedarbetare", 100)],
        "K3": [st("processledare", 50), st("processmedarbetare", 80), st("processmedarbetare", 10),
               st("språkstöd", 50)],
        "P3": [st("processledare", 50), st("processmedarbetare", 50), st("processmedarbetare", 50),
               st("SYV", 25, False, "ej tillämpat")],
    }
    goals = [
        {"id": "M1", "description": "Närvaro på minst 80 %", "metric": "narvaro", "comparison": ">=", "target": 0.8},
        {"id": "M2", "description": "Grupper om 5–10 deltagare", "metric": "gruppstorlek", "comparison": "mellan",
         "target": 5, "target_max": 10},
        {"id": "M3", "description": "100 % erbjudits 2 praktikplatser", "metric": "praktik_erbjuden",
         "comparison": ">=", "target": 1.0},
        {"id": "M4", "description": "100 % har CV + personligt brev", "metric": "cv_brev", "comparison": ">=",
         "target": 1.0},
        {"id": "M5", "description": "100 % fått vägledning = handlingsplan", "metric": "vagledning",
         "comparison": ">=", "target": 1.0},
        {"id": "M6", "description": "75 % av de som fullföljt har en tydlig plan mot arbete eller studier "
         "(ej vid ohälsa)", "metric": "handlingsplan", "comparison": ">=", "target": 0.75},
        {"id": "M7", "description": "Fått möjlighet att skaffa referenser/kontaktnät", "metric": "referenser",
         "comparison": ">=", "target": 1.0},
        {"id": "M8", "description": "Gruppverksamhet 4 dagar/vecka hela perioden", "metric": "gruppdagar",
         "comparison": ">=", "target": 1.0},
        {"id": "M9", "description": "Enkät genomförd", "metric": "enkat", "comparison": ">=", "target": 1},
    ]
    for gl in goals:
        gl.setdefault("target_max", None)
        gl["active"] = True
    results = {
        "meta": {"project_name": "Första Steget", "federation": "Samordningsförbundet NNV Skåne",
                 "owner": "Klippans kommun", "evaluator": "P&P i Landskrona AB",
                 "report_start": "2019-02-01", "report_end": "2020-02-01",
                 "project_start": "2019-02-01", "project_end": "2022-12-31",
                 "source": "forsta_steget_exempel.xlsx", "version": "0.1.0"},
        "parameters": {"real_cost": 143500, "financial_cost": 8500, "cost_per_person_year": K,
                       "monthly_wage": WAGE, "payroll_tax": 0.0, "horizon_years": 4, "discount_rate": 0.0,
                       "placements_per_participant": 2, "excused_absence": "frånvaro", "min_count": 0,
                       "cost_source": "Ingvar Nilsson, socioekonomisk analys (snitt per individ, reala och "
                                      "finansiella kostnader)"},
        "goals": goals,
        "levels": {"group": g, "omgang": om, "municipality": mun, "project": {"all": proj}},
        "statistics": statistics,
        "staff": staff,
        "texts": {
            "Bakgrund och syfte": "Första Steget – en väg för utrikesfödda kvinnor in på arbetsmarknaden – "
            "finansieras av Samordningsförbundet NNV Skåne.\nProjektets syfte är att fler deltagare ur "
            "målgruppen tar ett första steg mot studier eller arbete.",
            "Omvärldsbevakning": "Närliggande insatser är Halv Femme och ESF-projektet MatchIT.",
            "Utmaningar": "Rekrytering av deltagare, praktikplatser & språkstöd är fortsatta utmaningar.",
            "Sammanfattning och rekommendationer": "Vi rekommenderar att metodens implementering prioriteras.",
        },
        "problems": [{"severity": "varning", "sheet": "Närvaro", "row": 12, "column": "Status", "value": "x",
                      "message": "Okänd status.", "group_id": "K1"}],
    }
    out = Path(__file__).with_name("results_example.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
