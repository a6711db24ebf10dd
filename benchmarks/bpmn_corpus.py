"""How the designer's BPMN import fares on a folder of real BPMN files.

    python -m benchmarks.bpmn_corpus FOLDER [FOLDER …]

Reads every ``*.bpmn`` under the folders (for example a checkout of
bpmn-miwg/bpmn-miwg-test-suite and of camunda/camunda-bpm-examples), imports each pool
of each file with :func:`flows.designer.bpmn_import.import_bpmn` and counts per pool:
imported whole, refused with a message naming what was not understood, crashed (any
other exception), and **silent drops**: a flow element, artefact, lane or arrow of the
pool that is neither a step, nor joined into the flow, nor named in a note. The target
is 0 crashes and 0 silent drops. Prints the counts, the most frequent refusals and
every crash or silent drop.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from pathlib import Path

KEPT = {"start", "joined", "arrow", "note", "lane"}


def main(argv: list[str] | None = None) -> int:
    folders = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not folders:
        print(__doc__)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import django

    django.setup()
    from defusedxml import ElementTree

    from flows.designer.bpmn import BPMN, BpmnError
    from flows.designer.bpmn_import import import_bpmn, pools

    files = sorted(p for folder in folders for p in folder.rglob("*.bpmn"))
    counts: collections.Counter = collections.Counter()
    refusals: collections.Counter = collections.Counter()
    problems: list[str] = []
    started = time.perf_counter()
    for path in files:
        content = path.read_bytes()
        try:
            found = pools(content)
            root = ElementTree.fromstring(content)
        except BpmnError as refusal:
            counts["file refused"] += 1
            refusals[str(refusal)[:80]] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - a crash is what this counts
            counts["crashed"] += 1
            problems.append(f"crash {path}: {exc!r}"[:300])
            continue
        for pool in found:
            counts["pools"] += 1
            try:
                result = import_bpmn(content, pool=pool.id)
            except BpmnError as refusal:
                counts["refused by name"] += 1
                first = str(refusal).split(": ", 1)[-1].split("„")[0].strip()
                refusals[first[:80] or str(refusal)[:80]] += 1
                continue
            except Exception as exc:  # noqa: BLE001
                counts["crashed"] += 1
                problems.append(f"crash {path} {pool.id}: {exc!r}"[:300])
                continue
            counts["imported"] += 1
            steps = {s["id"] for s in result["steps"]}
            process = next(p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == pool.id)
            for element in process:
                local = element.tag.rsplit("}", 1)[-1]
                if not element.get("id") or local in ("documentation", "extensionElements"):
                    continue
                fate = result["ledger"].get(element.get("id"))
                if fate not in steps and fate not in KEPT:
                    counts["silent drops"] += 1
                    problems.append(f"silent drop {path} {pool.id}: {local} {element.get('id')}")
    seconds = time.perf_counter() - started
    print(f"{len(files)} files, {counts['pools']} pools in {seconds:.1f} s")
    for key in ("imported", "refused by name", "file refused", "crashed", "silent drops"):
        print(f"  {key:<16} {counts[key]:5d}")
    print("  most frequent refusals (kind of the first element named):")
    for text, number in refusals.most_common(8):
        print(f"    {number:4d}  {text}")
    for problem in problems[:50]:
        print(f"  {problem}")
    ok = counts["crashed"] == 0 and counts["silent drops"] == 0
    print(f"  {'pass' if ok else 'FAIL'} (target: 0 crashes, 0 silent drops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
