"""Check a blind quotation gold file and write it back with offsets.

usage: python3 check_quotes.py GOLD.jsonl [--docs /work/shared/data/rpm2-fr/documents]

Every line needs doc, text, speaker, kind, resolution; text must be found verbatim in the
document read as open(path, encoding="utf-8-sig").read().replace("\r\n", "\n"). The file is
rewritten with start and end; failures are printed and the exit status is 1.
"""
import argparse
import json
import pathlib
import sys

from locate import find_all

KINDS = {"person", "organisation", "outlet", "document", "group", "anonymous", "none"}
RESOLUTIONS = {"explicit", "pronoun", "role", "context", "none"}
MARKS = "«»“”\"„‹›'"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("gold")
    parser.add_argument("--docs", default="/work/shared/data/rpm2-fr/documents")
    args = parser.parse_args()
    root = pathlib.Path(args.docs)
    out, failures = [], 0
    for number, line in enumerate(pathlib.Path(args.gold).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not JSON: {exc}")
            failures += 1
            continue
        problems = []
        for key in ("doc", "text", "speaker", "kind", "resolution"):
            if key not in item:
                problems.append(f"missing {key}")
        if item.get("kind") not in KINDS:
            problems.append(f"kind must be one of {sorted(KINDS)}")
        if item.get("resolution") not in RESOLUTIONS:
            problems.append(f"resolution must be one of {sorted(RESOLUTIONS)}")
        if (item.get("speaker") is None) != (item.get("kind") == "none"):
            problems.append("speaker null exactly when kind is none")
        path = root / str(item.get("doc"))
        if not path.is_file():
            problems.append(f"no document {path}")
        else:
            text = path.open(encoding="utf-8-sig").read().replace("\r\n", "\n")
            quoted = item.get("text", "")
            if quoted != quoted.strip() or quoted[:1] in MARKS or quoted[-1:] in MARKS:
                problems.append("text must not start or end with a space or a quotation mark")
            found = find_all(text, quoted)
            starts = [a for a, _ in found]
            wanted = item.get("occurrence", 1)
            if not starts:
                problems.append("text not found verbatim in the document")
            elif len(starts) > 1 and "occurrence" not in item:
                problems.append(f"text occurs {len(starts)} times: add occurrence")
            elif wanted > len(starts):
                problems.append(f"occurrence {wanted} but text occurs {len(starts)} times")
            else:
                item["start"], item["end"] = found[wanted - 1]
                item["text"] = text[item["start"] : item["end"]]
        if problems:
            failures += 1
            print(f"line {number} ({item.get('doc')}): " + "; ".join(problems))
        out.append(item)
    spans = sorted((q["doc"], q["start"], q["end"]) for q in out if "start" in q)
    for a, b in zip(spans, spans[1:]):
        if a[0] == b[0] and b[1] < a[2]:
            print(f"overlapping spans in {a[0]}: {a[1]}-{a[2]} and {b[1]}-{b[2]}")
            failures += 1
    pathlib.Path(args.gold).write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in out), encoding="utf-8")
    print(f"{len(out)} quotations, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
