"""Check a blind fact gold file and write it back with offsets and rule counts.

usage: python3 check_facts.py TNN_Cc.json [--docs /work/shared/data/rpm2-fr/documents]

Every sentence's text must be found verbatim in its document, read as
open(path, encoding="utf-8-sig").read().replace("\r\n", "\n"); start and end are added. For each
fact the count of independent sources given by the rules (copies, shared credits, one shared
attributed source) is printed beside the annotator's. Exit status 1 on any failure.
"""
import argparse
import json
import pathlib
import sys

from locate import find_all

TYPES = {"quantity", "date", "place", "event", "statement"}
KINDS = {"outlets-disagree", "sources-disagree", "update"}


def rule_count(fact: dict, articles: dict) -> int:
    by_doc: dict[str, set] = {}
    for sentence in fact["sentences"]:
        by_doc.setdefault(sentence["doc"], set()).add(sentence.get("attributed_to"))
    docs = sorted(by_doc)
    parent = {d: d for d in docs}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for a in docs:
        for b in docs:
            if a >= b:
                continue
            info_a, info_b = articles.get(a, {}), articles.get(b, {})
            copies = info_a.get("copy_of") == b or info_b.get("copy_of") == a
            copies = copies or (info_a.get("copy_of") and info_a.get("copy_of") == info_b.get("copy_of"))
            credits = set(info_a.get("credits") or []) & set(info_b.get("credits") or [])
            source_a, source_b = by_doc[a], by_doc[b]
            same_source = len(source_a) == 1 and source_a == source_b and None not in source_a
            if copies or credits or same_source:
                join(a, b)
    return len({find(d) for d in docs})


def locate(root: pathlib.Path, sentence: dict, cache: dict, problems: list, where: str) -> None:
    doc = sentence.get("doc")
    path = root / str(doc)
    if not path.is_file():
        problems.append(f"{where}: no document {doc}")
        return
    if doc not in cache:
        cache[doc] = path.open(encoding="utf-8-sig").read().replace("\r\n", "\n")
    text = sentence.get("text", "")
    found = find_all(cache[doc], text)
    if not found:
        problems.append(f"{where}: text not found verbatim in {doc}: {text[:60]!r}")
        return
    sentence["start"], sentence["end"] = found[0]
    sentence["text"] = cache[doc][found[0][0] : found[0][1]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("gold")
    parser.add_argument("--docs", default="/work/shared/data/rpm2-fr/documents")
    args = parser.parse_args()
    root = pathlib.Path(args.docs)
    gold = json.loads(pathlib.Path(args.gold).read_text(encoding="utf-8"))
    problems: list[str] = []
    cache: dict[str, str] = {}
    articles = gold.get("articles", {})
    facts = gold.get("facts", [])
    if not 12 <= len(facts) <= 15:
        problems.append(f"{len(facts)} facts; the rules ask for 12 to 15")
    for fact in facts:
        fid = fact.get("id")
        if fact.get("type") not in TYPES:
            problems.append(f"{fid}: type must be one of {sorted(TYPES)}")
        for sentence in fact.get("sentences", []):
            locate(root, sentence, cache, problems, fid)
        docs = {s["doc"] for s in fact.get("sentences", [])}
        if len(docs) < 2:
            problems.append(f"{fid}: stated by {len(docs)} article(s); a fact needs two or more")
        count = rule_count(fact, articles)
        flag = "" if count == fact.get("independent_sources") else "   <- differs"
        print(f"{fid}: {len(docs)} articles, rule count {count}, yours {fact.get('independent_sources')}{flag}")
    for conflict in gold.get("conflicts", []):
        cid = conflict.get("id")
        if conflict.get("kind") not in KINDS:
            problems.append(f"{cid}: kind must be one of {sorted(KINDS)}")
        if len(conflict.get("positions", [])) < 2:
            problems.append(f"{cid}: a conflict needs two positions or more")
        for position in conflict.get("positions", []):
            for sentence in position.get("sentences", []):
                locate(root, sentence, cache, problems, cid)
    pathlib.Path(args.gold).write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for problem in problems:
        print("FAIL", problem)
    print(f"{len(facts)} facts, {len(gold.get('conflicts', []))} conflicts, {len(problems)} failures")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
