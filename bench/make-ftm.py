"""Writes a file of FollowTheMoney entities in the shape of OpenSanctions' entities.ftm.json, for
the benchmark of `dossier check --sanctions` (scenario (f)). Every name is invented.

    python3 bench/make-ftm.py OUT BYTES [--subjects FILE]

One compact JSON object per line (as OpenSanctions writes it), about BYTES bytes in all, with the
mix of a consolidated sanctions file: persons (Latin names, aliases in Cyrillic and Arabic script,
birth dates, nationalities, topics), companies and organisations, Sanction entities pointing at
them (before or after their target), addresses, identifications and family links. Random but
the same on every run (fixed seed).

The case's subjects (`--subjects FILE`, one `NAME|ORIGINAL|BORN` per line, written by this
script with --write-subjects) are planted in the file: each listed once under a variant
spelling with a sanction, once as a namesake born in another year, and once as a company of the
same name (which must never match a person).
"""
import json
import random
import sys

SEED = 20261130
rng = random.Random(SEED)

ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "kh", "sh", "br", "dr", "tr", "st", "qu", "vr", "zl"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ya"]
CODAS = ["", "", "n", "r", "l", "s", "v", "sk", "m", "d"]
LAT2CYR = {"a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "z": "з", "y": "й", "q": "к", "h": "х"}
LAT2ARA = {"b": "ب", "d": "د", "f": "ف", "g": "غ", "k": "ك", "l": "ل", "m": "م", "n": "ن", "p": "ب", "r": "ر", "s": "س", "t": "ت", "v": "ف", "z": "ز", "q": "ق", "h": "ه", "a": "ا", "i": "ي", "u": "و", "y": "ي"}
COUNTRIES = ["ru", "by", "ir", "sy", "kp", "ve", "mm", "cu", "ae", "tr", "cn", "gb", "de", "cy", "lv"]
DATASETS = ["us_ofac_sdn", "gb_hmt_sanctions", "eu_fsf", "ca_dfatd_sema_sanctions", "au_dfat_sanctions", "ch_seco_sanctions", "un_sc_sanctions", "ua_nsdc_sanctions"]
AUTHORITIES = [
    ("Office of Foreign Assets Control", ["SDGT", "GLOMAG", "RUSSIA-EO14024", "IRAN", "SYRIA"], "https://sanctions.example.org/ofac/"),
    ("HM Treasury", ["Global Human Rights", "Russia", "Global Anti-Corruption", "Syria"], "https://sanctions.example.org/hmt/"),
    ("Council of the European Union", ["EU Global Human Rights Sanctions Regime", "Russia/Ukraine territorial integrity", "Belarus"], "https://sanctions.example.org/eu/"),
    ("Global Affairs Canada", ["Justice for Victims of Corrupt Foreign Officials Act", "Special Economic Measures (Russia)"], "https://sanctions.example.org/ca/"),
    ("Department of Foreign Affairs and Trade", ["Autonomous Sanctions (Thematic)", "Russia"], "https://sanctions.example.org/au/"),
]
FORMS = ["LLC", "JSC", "Ltd", "OOO", "Holding", "Group", "Trading", "Logistics", "Invest", "Shipping"]
NOTES = [
    "Listed under the programme (fictional).",
    "Listed for involvement in serious human rights abuse (fictional text for a benchmark).",
    "Associated with a designated entity; see the programme's press release (fictional).",
    "Director of a company operating in the defence sector (fictional).",
]


def word():
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.choice([1, 2, 2, 3]))).capitalize()


def script(text, table):
    return "".join(table.get(c, c) for c in text.lower() if c in table or c == " ")


def stamp():
    return {"first_seen": "2022-02-24T10:00:00", "last_seen": "2026-11-01T10:00:00", "last_change": "2025-06-01T10:00:00"}


def person(eid, name, born, nationality, topics=("sanction",), aliases=()):
    first, last = name.split(" ", 1)
    props = {
        "name": [name],
        "alias": list(aliases) or [script(name, LAT2CYR), f"{last.upper()}, {first}"],
        "firstName": [first],
        "lastName": [last],
        "birthDate": [born],
        "nationality": [nationality],
        "gender": [rng.choice(["male", "female"])],
        "topics": list(topics),
        "notes": [rng.choice(NOTES)] if rng.random() < 0.5 else [],
    }
    if rng.random() < 0.2:
        props["weakAlias"] = [word()]
    if rng.random() < 0.15:
        props["alias"].append(script(name, LAT2ARA))
    return entity(eid, name, "Person", props)


def entity(eid, caption, schema, props):
    props = {k: v for k, v in props.items() if v}
    line = {"id": eid, "caption": caption, "schema": schema, "properties": props, "referents": [f"{eid[:2]}-{rng.getrandbits(40):x}"], "datasets": rng.sample(DATASETS, rng.choice([1, 1, 2, 3])), "target": schema in ("Person", "Company", "Organization")}
    line.update(stamp())
    return line


def sanction(eid, target):
    authority, programs, url = rng.choice(AUTHORITIES)
    year = rng.randint(2012, 2025)
    props = {"entity": [target], "authority": [authority], "program": [rng.choice(programs)], "startDate": [f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"], "sourceUrl": [url + f"{year}/{rng.getrandbits(24):06x}"]}
    if rng.random() < 0.3:
        props["reason"] = [rng.choice(NOTES) or "Listed under the programme (fictional)."]
    return entity(eid, rng.choice(programs), "Sanction", props)


def company(eid, name, country):
    return entity(eid, name, rng.choice(["Company", "Company", "Organization"]), {"name": [name], "alias": [script(name, LAT2CYR)], "jurisdiction": [country], "registrationNumber": [str(rng.getrandbits(40))], "incorporationDate": [str(rng.randint(1991, 2022))], "topics": ["sanction"], "address": [f"{rng.randint(1, 200)} {word()} Street, {word()}"]})


def random_lines():
    """Endless random entities, with a pending Sanction emitted now or a few lines later."""
    n = 0
    pending = []
    holder = "NK-0"
    while True:
        n += 1
        kind = rng.random()
        target = None
        if kind < 0.45:
            target = f"NK-{rng.getrandbits(64):016x}"
            holder = target
            e = person(target, f"{word()} {word()}", f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", rng.choice(COUNTRIES))
        elif kind < 0.6:
            target = f"NK-{rng.getrandbits(64):016x}"
            e = company(target, f"{word()} {word()} {rng.choice(FORMS)}", rng.choice(COUNTRIES))
        elif kind < 0.75:
            e = entity(f"addr-{rng.getrandbits(48):x}", "Address", "Address", {"full": [f"{rng.randint(1, 200)} {word()} Street, {word()}, {word()}"], "country": [rng.choice(COUNTRIES)]})
        else:
            e = entity(f"id-{rng.getrandbits(48):x}", "Passport", "Passport", {"holder": [holder], "number": [str(rng.getrandbits(32))], "country": [rng.choice(COUNTRIES)], "type": ["passport"]})
        if target and rng.random() < (0.65 if kind < 0.45 else 0.5):
            # Not every listed person is sanctioned (PEPs, relatives, crime lists).
            target = None
        if target and rng.random() < 0.5:
            # Half the sanctions come before their target, the others up to 300 lines after it.
            yield sanction(f"sx-{rng.getrandbits(64):016x}", target)
            target = None
        yield e
        if target:
            pending.append((n + rng.randint(1, 300), sanction(f"sx-{rng.getrandbits(64):016x}", target)))
        while pending and pending[0][0] <= n:
            yield pending.pop(0)[1]


def planted(subjects):
    """The case's subjects under variant spellings (with sanctions, one before and one after),
    namesakes born in another year, and companies of the same name."""
    out = []
    for i, (name, original, born) in enumerate(subjects):
        first, last = name.split(" ", 1)
        variant = f"{last.upper()}, {first.replace('i', 'ee', 1) if 'i' in first else first}"
        eid = f"NK-planted-{i:03d}"
        s = sanction(f"sx-planted-{i:03d}", eid)
        p = person(eid, name, born, "ru", aliases=[variant, original])
        out.append([s, p] if i % 2 else [p, s])
        year = int(born[:4]) - 13
        namesake = person(f"NK-namesake-{i:03d}", name, f"{year}-01-15", "ru")
        out.append([namesake, sanction(f"sx-namesake-{i:03d}", namesake["id"])])
        out.append([company(f"NK-company-{i:03d}", name, "cy")])
    return out


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--write-subjects":
        subjects = []
        for i in range(int(args[1])):
            name = f"{word()} {word()}"
            subjects.append(f"{name}|{script(name, LAT2CYR)}|{rng.randint(1950, 1990)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
        print("\n".join(subjects))
        return
    if len(args) != 4 or args[2] != "--subjects":
        sys.exit("usage: make-ftm.py OUT BYTES --subjects FILE | make-ftm.py --write-subjects N")
    out, target = args[0], int(args[1])
    with open(args[3], encoding="utf-8") as f:
        subjects = [tuple(line.rstrip("\n").split("|")) for line in f if line.strip()]
    plants = planted(subjects)
    # Spread the planted groups evenly through the file.
    every = max(1, target // (len(plants) + 1))
    written = 0
    next_plant = every
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(out, "w", encoding="utf-8") as f:
        for e in random_lines():
            if written >= target:
                break
            line = dumps(e) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            if plants and written >= next_plant:
                for p in plants.pop(0):
                    line = dumps(p) + "\n"
                    f.write(line)
                    written += len(line.encode("utf-8"))
                next_plant += every
        for group in plants:
            for p in group:
                f.write(dumps(p) + "\n")


if __name__ == "__main__":
    main()
