"""Corpus readers map every corpus to BIO over PER/ORG/LOC as documented (tiny inline fixtures)."""

import gzip
import json

from topicgraph.nlp.ner.corpora import (
    bio_spans, harmonize, map_tag, read_germeval, read_ler, read_mobie, read_smartdata_v1,
    read_smartdata_v3, read_wikiann, repair_bio, to_docbin, utf16_offsets,
)

GERMEVAL = (
    "#\thttp://example.org/a\t[2020-01-01]\n"
    "1\tDie\tO\tO\n"
    "2\tEU-Kommission\tB-ORGpart\tO\n"
    "3\tlobt\tO\tO\n"
    "4\tdeutsche\tB-LOCderiv\tO\n"
    "5\tFirmen\tO\tO\n"
    "6\twie\tO\tO\n"
    "7\tdie\tO\tO\n"
    "8\tDeutsche\tB-ORG\tB-LOCderiv\n"
    "9\tBank\tI-ORG\tO\n"
    "10\tim\tO\tO\n"
    "11\tDeutsche\tB-OTH\tB-ORG\n"
    "12\tBank\tI-OTH\tI-ORG\n"
    "13\tPokal\tI-OTH\tO\n"
    "14\tvon\tO\tO\n"
    "15\tAnna\tB-PER\tO\n"
    "16\tSchmidt\tI-PER\tO\n"
    "17\tin\tO\tO\n"
    "18\tBerlin\tB-LOC\tO\n"
    "\n"
)


def test_germeval_outer_only_deriv_part_oth_to_O(tmp_path):
    p = tmp_path / "ge.tsv"
    p.write_text(GERMEVAL, encoding="utf-8")
    [(toks, tags)] = read_germeval(p)
    assert len(toks) == 18
    spans = [(" ".join(toks[a:b]), lab) for a, b, lab in bio_spans(tags)]
    # ORGpart, LOCderiv, OTH (and the inner ORG inside OTH) are not entities
    assert spans == [("Deutsche Bank", "ORG"), ("Anna Schmidt", "PER"), ("Berlin", "LOC")]


def test_mobie_fine_types(tmp_path):
    p = tmp_path / "m.conll2003"
    p.write_text(
        "-DOCSTART- -1- O O\n\n"
        "Stau\tNN\tI-NP\tB-trigger\n"
        "auf\tAPPR\tI-PP\tO\n"
        "der\tART\tI-NP\tO\n"
        "A7\tNE\tI-NP\tB-location-route\n"
        "bei\tAPPR\tI-PP\tO\n"
        "Hamburg\tNE\tI-NP\tB-location-city\n"
        "laut\tAPPR\tI-PP\tO\n"
        "Deutsche\tADJA\tI-NP\tB-organization-company\n"
        "Bahn\tNN\tI-NP\tI-organization-company\n"
        "und\tKON\tO\tO\n"
        "Max\tNE\tI-NP\tB-person\n"
        "am\tAPPRART\tI-PP\tO\n"
        "Montag\tNN\tI-NP\tB-date\n\n",
        encoding="utf-8",
    )
    [(toks, tags)] = read_mobie(p)
    assert tags == ["O", "O", "O", "O", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "B-PER", "O", "O"]


def test_ler_coarse_mapping_crlf(tmp_path):
    p = tmp_path / "l.conll"
    p.write_bytes(
        "Richter O\r\nMüller B-RR\r\nam O\r\nBundesgerichtshof B-GRT\r\nin O\r\nKarlsruhe B-ST\r\n"
        "nach O\r\n§ B-GS\r\n3 I-GS\r\nBGB I-GS\r\n\r\nAnwalt O\r\nDr. B-AN\r\nKrause I-AN\r\n\r\n".encode()
    )
    s = read_ler(p)
    assert s[0][1] == ["O", "B-PER", "O", "B-ORG", "O", "B-LOC", "O", "O", "O", "O"]
    assert s[1][1] == ["O", "B-PER", "I-PER"]


def test_wikiann_and_tag_helpers(tmp_path):
    p = tmp_path / "w.tsv"
    p.write_text("Angela\tB-PER\nMerkel\tI-PER\n\nSiemens\tB-ORG\n", encoding="utf-8")
    assert read_wikiann(p) == [(["Angela", "Merkel"], ["B-PER", "I-PER"]), (["Siemens"], ["B-ORG"])]
    assert map_tag("B-MISC") == "O" and map_tag("I-LOCpart") == "O" and map_tag("S-PER") == "B-PER"
    assert repair_bio(["O", "I-ORG", "I-ORG", "I-PER"]) == ["O", "B-ORG", "I-ORG", "B-PER"]


def test_harmonize_drops_lowercase_loc():
    s = [(["Die", "deutschen", "Autobauer", "in", "Wolfsburg", "und", "dpa"],
          ["O", "B-LOC", "O", "O", "B-LOC", "O", "B-ORG"])]
    assert harmonize(s)[0][1] == ["O", "O", "O", "O", "B-LOC", "O", "B-ORG"]


def _smartdata_doc(doc_id, text, mentions, tokens=None):
    d = {"id": doc_id, "raw": '<feature featureName="source" featureValue="news" />',
         "text": {"string": text},
         "conceptMentions": {"array": [{"span": {"start": a, "end": b}, "type": t} for a, b, t in mentions]}}
    if tokens is not None:
        d["tokens"] = {"array": tokens}
    return d


def test_smartdata_v1_offsets_tokenised_and_excluded(tmp_path):
    text = "Siemens-Chef Joe Kaeser spricht in München.\nDie Daimler AG wächst am 3. Mai."
    ents = [(0, 7, "organization-company"), (13, 23, "person"), (35, 42, "location-city"),
            (48, 58, "organization-company"), (66, 72, "date")]
    p = tmp_path / "v1.json.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write(json.dumps(_smartdata_doc("doc1", text, ents), indent=2))
        f.write("\n")
        f.write(json.dumps(_smartdata_doc("doc2", "Bosch in Stuttgart.", [(0, 5, "organization-company")]), indent=2))
    sents = read_smartdata_v1([p], exclude_ids={"doc2"})
    assert len(sents) == 2
    got = [[(" ".join(t[a:b]), lab) for a, b, lab in bio_spans(tags)] for t, tags in sents]
    # "Siemens" is part of the token "Siemens-Chef": expand alignment tags the whole token
    assert got[0] == [("Siemens-Chef", "ORG"), ("Joe Kaeser", "PER"), ("München", "LOC")]
    assert got[1] == [("Daimler AG", "ORG")]


def test_smartdata_v3_tokens(tmp_path):
    text = "Bosch baut in Reutlingen."
    toks = [((0, 5), "B-ORGANIZATION_COMPANY"), ((6, 10), "O"), ((11, 13), "O"),
            ((14, 24), "B-LOCATION_CITY"), ((24, 25), "O")]
    tok_json = [{"span": {"start": a, "end": b}, "ner": {"string": t}} for (a, b), t in toks]
    d = _smartdata_doc("x", text, [])
    d["sentences"] = {"array": [{"tokens": {"array": tok_json}}]}
    p = tmp_path / "v3.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    assert read_smartdata_v3(p) == [(["Bosch", "baut", "in", "Reutlingen", "."],
                                     ["B-ORG", "O", "O", "B-LOC", "O"])]


def test_utf16_offsets_map_java_offsets_past_an_emoji():
    text = "Wut 😡 auf Bosch"
    at = utf16_offsets(text)
    # Java counts the emoji as two code units: "Bosch" starts at 11 there, at 10 in Python
    assert text[at(11):at(16)] == "Bosch"
    assert utf16_offsets("Bosch")(3) == 3


def test_smartdata_offsets_after_an_emoji(tmp_path):
    """SmartData's offsets are Java (UTF-16) offsets: after an emoji they must still hit the right tokens."""
    text = "Stau 😡 bei Bosch in Reutlingen."
    shift = lambda a: a + 1 if a > 5 else a  # noqa: E731  the emoji (index 5) is two UTF-16 units
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps(_smartdata_doc("d", text, [(shift(11), shift(16), "organization-company"),
                                                         (shift(20), shift(30), "location-city")])), encoding="utf-8")
    tags = read_smartdata_v1([v1])[0]
    assert [(" ".join(tags[0][a:b]), lab) for a, b, lab in bio_spans(tags[1])] == [("Bosch", "ORG"), ("Reutlingen", "LOC")]
    words = [(0, 4, "O"), (5, 6, "O"), (7, 10, "O"), (11, 16, "B-ORGANIZATION_COMPANY"), (17, 19, "O"),
             (20, 30, "B-LOCATION_CITY"), (30, 31, "O")]
    d = _smartdata_doc("d", text, [])
    d["sentences"] = {"array": [{"tokens": {"array": [
        {"span": {"start": shift(a), "end": shift(b)}, "ner": {"string": t}} for a, b, t in words]}}]}
    v3 = tmp_path / "v3.json"
    v3.write_text(json.dumps(d), encoding="utf-8")
    assert read_smartdata_v3(v3) == [(["Stau", "😡", "bei", "Bosch", "in", "Reutlingen", "."],
                                      ["O", "O", "O", "B-ORG", "O", "B-LOC", "O"])]


def test_to_docbin_entities():
    import spacy

    nlp = spacy.blank("de")
    db = to_docbin([(["Anna", "Schmidt", "arbeitet", "bei", "SAP"], ["B-PER", "I-PER", "O", "O", "B-ORG"])])
    [doc] = list(db.get_docs(nlp.vocab))
    assert [(e.text, e.label_) for e in doc.ents] == [("Anna Schmidt", "PER"), ("SAP", "ORG")]
