"""Fail CI unless every test ran: no skips in the JUnit reports, PDF and browser tests included.

Usage: python .ci/no_skips.py [--require MODULE ...] REPORT.xml [REPORT.xml ...]

Each report must name no skipped test and at least one passed test of every required
module: by default the tests that need tools beyond Python (PDF, browser, themes).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree

#: test modules that need tools beyond Python; each must have run in every report
HEAVY = ("test_pdf", "test_browser", "test_themes")
VERDICTS = ("skipped", "failure", "error")


def main(arguments: list[str]) -> int:
    required: list[str] = []
    reports = []
    words = iter(arguments)
    for word in words:
        if word == "--require":
            required.append(next(words))
        else:
            reports.append(word)
    if not reports:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for report in reports:
        cases = ElementTree.parse(report).getroot().iter("testcase")
        outcome = {}
        for case in cases:
            name = f"{case.get('classname')}::{case.get('name')}"
            verdicts = [child.tag for child in case if child.tag in VERDICTS]
            outcome[name] = verdicts[0] if verdicts else "passed"
        skipped = [name for name, tag in outcome.items() if tag == "skipped"]
        problems += [f"{report}: skipped {name}" for name in skipped]
        for module in required or HEAVY:
            ran = [
                n
                for n, tag in outcome.items()
                if n.startswith(f"tests.{module}") and tag == "passed"
            ]
            if not ran:
                problems.append(f"{report}: no test of {module} ran")
            print(f"{report}: {module}: {len(ran)} passed")
        print(f"{report}: {len(outcome)} tests, {len(skipped)} skipped")
    print("\n".join(problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
