"""The name lexicon: word forms the corpora use as names, counted from (tokens, BIO tags)."""

from __future__ import annotations

from topicgraph.nlp.ner.names import count_given_forms, count_name_forms, load_given_names, load_name_lexicon, select_names

SENTENCES = [
    (["Die", "Firma", "Voltara", "baut", "in", "Brennstadt", "."], ["O", "O", "B-ORG", "O", "O", "B-LOC", "O"]),
    (["Voltara", "wächst", ",", "die", "Firma", "auch", "."], ["B-ORG", "O", "O", "O", "O", "O", "O"]),
    (["Brennstadt", "liegt", "am", "Fluss", "Brennstadt", "."], ["B-LOC", "O", "O", "O", "O", "O"]),
    (["Der", "Brennstadt", "-", "Express", "fährt", "."], ["O", "O", "O", "O", "O", "O"]),
]


def test_counts_and_selection():
    inside, outside = count_name_forms(SENTENCES)
    assert inside["Voltara"] == 2 and outside["Voltara"] == 0
    assert (inside["Brennstadt"], outside["Brennstadt"]) == (2, 2)
    assert "die" not in outside  # lower-case forms are not counted
    # Voltara: twice a name, never outside; Brennstadt: as often outside as inside; Firma: never a name
    assert select_names(inside, outside) == ["Voltara"]


def test_shipped_lexicon_knows_places_not_common_nouns():
    words = load_name_lexicon()
    assert {"Spanien", "Detroit", "Berlin"} <= words
    assert not {"Software", "Material", "Firma"} & words


def test_given_names_come_before_the_last_word_of_person_names():
    sentences = [
        (["Egon", "Marold", "und", "Egon", "Kessler", "reden", "."], ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "O"]),
        (["Marold", "lacht", "."], ["B-PER", "O", "O"]),
        (["Die", "Marold", "GmbH", "."], ["O", "B-ORG", "I-ORG", "O"]),
    ]
    before_last, last = count_given_forms(sentences)
    assert before_last["Egon"] == 2 and last["Egon"] == 0
    assert (before_last["Marold"], last["Marold"]) == (0, 2)  # last word once, alone once; the ORG is not counted
    assert select_names(before_last, last) == ["Egon"]


def test_shipped_given_names_know_first_names_not_surnames():
    words = load_given_names()
    assert {"Hans", "Erwin", "Angela"} <= words
    assert not {"Merkel", "Fischer", "Sobotka"} & words
