#!/usr/bin/env python3
"""Runs the official EN 16931 rule sets over e-invoices, each under the profile it claims.

usage:
  official_rules.py VALIDATE_PY DIR
      Every *.xml in DIR (UBL or CII) must claim a profile we know and pass every rule set of
      that profile. Used on the documents that the invoice corpus builds.
  official_rules.py VALIDATE_PY DIR --check-with SEALBILL
      Also runs `SEALBILL invoice check --profile P FILE` on every file, which must accept
      exactly the files that pass their official rules and refuse the others, but for the
      disagreements listed in KNOWN_DISAGREEMENTS (each of which must still disagree). A file
      claiming a profile we do not know is checked as plain EN 16931, as sealbill reads it.
      Used on the official example invoices.

The profile an invoice claims is its CustomizationID (UBL) or its guideline context parameter
(CII, BT-24). VALIDATE_PY is ../shared/validation/validate.py; it runs once per rule set with
all the files of that rule set, since Saxon's start-up dominates. Exit status 0 iff all passed.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
EN16931 = "urn:cen.eu:en16931:2017"

# BT-24 -> (the name `sealbill invoice check --profile` takes, rule sets for UBL, for CII).
PROFILES = {
    PEPPOL: ("peppol", ["cen-ubl", "peppol-ubl"], ["cen-cii"]),
    XRECHNUNG: ("xrechnung", ["cen-ubl", "xrechnung-ubl"], ["cen-cii", "xrechnung-cii"]),
    EN16931: ("en16931", ["cen-ubl"], ["cen-cii"]),
}

# Official examples (relative to the examples folder) on which `sealbill invoice check` and the
# official rules disagree, and why; invoice/tests/examples.rs lists the same in REFUSED. None
# at present.
KNOWN_DISAGREEMENTS = {}

UBL_NS = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
RSM = "{" + CII_NS + "}"


def claim(path):
    """(syntax, BT-24) of an invoice file; syntax is 'ubl', 'cii' or None."""
    root = ET.parse(path).getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if ns in UBL_NS:
        return "ubl", (root.findtext(CBC + "CustomizationID") or "").strip()
    if ns == CII_NS:
        found = root.findtext(
            f"{RSM}ExchangedDocumentContext/{RAM}GuidelineSpecifiedDocumentContextParameter/{RAM}ID"
        )
        return "cii", (found or "").strip()
    return None, ""


def run_rulesets(validate_py, plan, verdicts):
    """plan: {ruleset: [files]}. Returns the set of (ruleset, file) that failed.

    verdicts: the files are official examples, some of which their own rules refuse."""
    failed = set()
    for ruleset in sorted(plan):
        files = plan[ruleset]
        out = subprocess.run(
            [sys.executable, validate_py, ruleset, *files],
            capture_output=True,
            text=True,
        )
        current = None
        for line in out.stdout.splitlines():
            if line.startswith("FAIL "):
                current = line[5:]
                failed.add((ruleset, current))
                said = "refuses" if verdicts else "FAIL"
                print(f"  {ruleset}: {said} {os.path.basename(current)}")
            elif line.startswith("  ") and current:
                print(f"    {line.strip()}")
            else:
                current = None
        summary = out.stdout.strip().splitlines()[-1:] or ["(no output)"]
        print(f"  {ruleset}: {summary[0]}")
        if out.returncode not in (0, 1) or not summary[0].endswith("failed"):
            # The runner itself broke (an unreadable file, Saxon missing): nothing passed.
            sys.stderr.write(out.stderr)
            failed.update((ruleset, f) for f in files)
            print(f"  {ruleset}: validate.py exited with {out.returncode}")
    return failed


def main(argv):
    args = argv[1:]
    sealbill = None
    if "--check-with" in args:
        i = args.index("--check-with")
        sealbill = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    validate_py, folder = args
    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.lower().endswith(".xml")
    )
    if not files:
        print(f"no XML file in {folder}: nothing was checked")
        return 1

    plan, profile_of, problems, as_en16931 = {}, {}, [], []
    for path in files:
        syntax, bt24 = claim(path)
        if syntax and bt24 not in PROFILES and sealbill:
            # sealbill reads an unknown BT-24 as plain EN 16931, and checks it so.
            as_en16931.append(f"{os.path.relpath(path, folder)} claims {bt24!r}: checked as en16931")
            bt24 = EN16931
        if syntax is None or bt24 not in PROFILES:
            what = f"claims {bt24!r}" if syntax else "is neither UBL nor CII"
            problems.append(f"{os.path.relpath(path, folder)} {what}, no profile we check")
            continue
        name, ubl, cii = PROFILES[bt24]
        profile_of[path] = name
        for ruleset in ubl if syntax == "ubl" else cii:
            plan.setdefault(ruleset, []).append(path)

    failed = run_rulesets(validate_py, plan, verdicts=bool(sealbill))
    accepted = [p for p in profile_of if not any(f == p for _, f in failed)]
    checks = sum(len(v) for v in plan.values())

    if sealbill:
        # The examples: sealbill's check must agree with the official rules on each.
        agree, disagree = 0, []
        for path in profile_of:
            name = os.path.relpath(path, folder)
            official = path in accepted
            out = subprocess.run(
                [sealbill, "invoice", "check", "--profile", profile_of[path], path],
                capture_output=True,
                text=True,
            )
            ours = out.returncode == 0
            known = KNOWN_DISAGREEMENTS.get(name)
            if ours == official:
                agree += 1
                if known:
                    problems.append(f"{name}: now agrees; drop it from KNOWN_DISAGREEMENTS")
                continue
            verdict = "accepts" if ours else "refuses"
            disagree.append(name)
            print(
                f"  sealbill invoice check --profile {profile_of[path]} {verdict} {name},"
                f" the official rules {'accept' if official else 'refuse'} it"
                + (f" (known: {known})" if known else "")
            )
            for line in (out.stdout + out.stderr).strip().splitlines()[:8]:
                print(f"    {line}")
            if not known:
                problems.append(f"sealbill {verdict} {name}, unlike the official rules")
        missing = sorted(set(KNOWN_DISAGREEMENTS) - {os.path.relpath(p, folder) for p in profile_of})
        problems += [f"{name}: listed in KNOWN_DISAGREEMENTS but not checked" for name in missing]
        print(
            f"  sealbill invoice check: agrees with the official rules on {agree} of"
            f" {len(profile_of)} examples ({len(accepted)} accepted by their own rules);"
            f" {len(disagree)} known disagreement(s)"
        )
        for line in as_en16931:
            print(f"    {line}")
    else:
        problems += [f"{f} fails {r}" for r, f in sorted(failed)]

    for p in problems:
        print(f"  ERROR {p}")
    print(
        f"official rules: {len(files)} files, {checks} rule-set checks,"
        f" {len(problems)} error(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
