#!/usr/bin/env python3
"""Runs the official EN 16931 rule sets over e-invoices, each under the profile it claims.

usage:
  official_rules.py VALIDATE_PY DIR
      Every *.xml in DIR (UBL or CII) must claim a profile we know and pass every rule set of
      that profile. Used on the documents that the invoice corpus builds.
  official_rules.py VALIDATE_PY DIR --check-with SEALBILL
      Also runs `SEALBILL invoice check --profile P FILE` on every file that passes its own
      official rules, which must accept it too. Files claiming a profile we do not know are
      listed and left out. Used on the official example invoices.

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


def run_rulesets(validate_py, plan):
    """plan: {ruleset: [files]}. Returns the set of (ruleset, file) that failed."""
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
                print(f"  {ruleset}: FAIL {os.path.basename(current)}")
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

    plan, profile_of, problems, left_out = {}, {}, [], []
    for path in files:
        syntax, bt24 = claim(path)
        if syntax is None or bt24 not in PROFILES:
            what = f"claims {bt24!r}" if syntax else "is neither UBL nor CII"
            if sealbill:
                left_out.append(f"{os.path.relpath(path, folder)} {what}")
            else:
                problems.append(f"{os.path.relpath(path, folder)} {what}, no profile we check")
            continue
        name, ubl, cii = PROFILES[bt24]
        profile_of[path] = name
        for ruleset in ubl if syntax == "ubl" else cii:
            plan.setdefault(ruleset, []).append(path)

    failed = run_rulesets(validate_py, plan)
    accepted = [p for p in profile_of if not any(f == p for _, f in failed)]
    checks = sum(len(v) for v in plan.values())

    if sealbill:
        # The examples: ours must accept every one that its own official rules accept.
        refused = []
        for path in accepted:
            out = subprocess.run(
                [sealbill, "invoice", "check", "--profile", profile_of[path], path],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                refused.append(path)
                print(f"  sealbill invoice check --profile {profile_of[path]}: REFUSED {path}")
                for line in (out.stdout + out.stderr).strip().splitlines()[:8]:
                    print(f"    {line}")
        print(
            f"  sealbill invoice check: {len(accepted) - len(refused)} passed, {len(refused)} failed"
            f" (of the {len(accepted)} examples that their own rules accept;"
            f" {len(profile_of) - len(accepted)} that their own rules refuse and"
            f" {len(left_out)} in other profiles are left out)"
        )
        for line in left_out:
            print(f"    left out: {line}")
        problems += [f"sealbill refuses {p}" for p in refused]
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
