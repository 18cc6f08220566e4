#!/usr/bin/env python3
"""Regenerates russian_stems.tsv: Russian nouns whose stem changes in inflection.

Source: the OpenCorpora dictionary (https://opencorpora.org, revision 417150, CC BY-SA 3.0)
as compiled in the PyPI package pymorphy3-dicts-ru 2.4.417150.4580142. Usage:

    pip install --target /tmp/py pymorphy3 pymorphy3-dicts-ru
    PYTHONPATH=/tmp/py python3 src/text/russian_stems.py > src/text/russian_stems.tsv

For every noun lemma it keeps the stems of the forms that the matcher's rules (lemma
without its final vowel/й/ь plus a case ending, a fleeting о/е, the inserted vowel of a
genitive plural, surname and adjective endings) do not already reach: дочь → дочер-и,
заём → займ-а, земля → земел-ь, человек → люд-и. Patronymics and the -нье spelling variants
of -ние nouns are left out. About 2,200 lines, 75 KB.
"""
import pymorphy3

NOUN = ["", "а", "я", "у", "ю", "е", "и", "ы", "о", "ом", "ем", "ой", "ей", "ою", "ею", "ам",
        "ям", "ами", "ями", "ах", "ях", "ов", "ев", "ь", "ью", "ьи", "ья", "ье", "ьем", "ьев",
        "ьям", "ьях", "й"]
SURNAME = ["ым", "ой", "ых", "ыми"]
ADJECTIVE = ["ый", "ий", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ому", "ему", "ым", "им",
             "ых", "их", "ыми", "ими", "ую", "юю", "ые", "ие", "ом", "ем"]
BY_LENGTH = sorted(set(NOUN), key=len, reverse=True)


def norm(word):
    return word.replace("ё", "е")


def base(word):
    return word[:-1] if word and word[-1] in "аеиоуыэюяйь" else word


def consonant(c):
    return "а" <= c <= "я" and c not in "аеиоуыэюяйьъ"


def without_fleeting(b):
    out = []
    if len(b) >= 3 and b[-2] in "ое" and consonant(b[-3]) and consonant(b[-1]):
        out.append(b[:-2] + b[-1])
        if b[-2] == "е" and b[-3] == "л":
            out.append(b[:-2] + "ь" + b[-1])
    return out


def fleeting_plural(form, b):
    if len(b) >= 2 and consonant(b[-1]) and consonant(b[-2]):
        head, last = b[:-1], b[-1]
        return (form.startswith(head) and len(form) == len(head) + 2
                and form[len(head)] in "ое" and form[-1] == last)
    return False


def changed_stems(lemma, forms):
    b = base(lemma)
    adjective = lemma[-2:] in ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие")
    surname = lemma[-2:] in ("ов", "ев", "ин", "ын")
    fleeting = without_fleeting(b)
    stems = set()
    for form in forms:
        rest = form[len(b):] if form.startswith(b) else None
        if rest is not None and (rest in NOUN or (surname and rest in SURNAME)):
            continue
        if adjective and form.startswith(lemma[:-2]) and form[len(lemma) - 2:] in ADJECTIVE:
            continue
        if any(form.startswith(x) and form[len(x):] in NOUN and form[len(x):] for x in fleeting):
            continue
        if fleeting_plural(form, b):
            continue
        stem = next((form[:len(form) - len(e)] for e in BY_LENGTH
                     if form.endswith(e) and len(form) - len(e) >= 2), None)
        if not stem or stem == b:
            continue
        if b.startswith(stem) and len(b) - len(stem) <= 1:
            continue
        if b.endswith("и") and stem == b[:-1] + "ь":
            continue
        stems.add(stem)
    kept = []
    for s in sorted(stems, key=len):
        if not any(s.startswith(k) and s[len(k):] in ("ь", "и") for k in kept):
            kept.append(s)
    return kept


def main():
    lemmas = {}
    for word, tag, normal_form, _, _ in pymorphy3.MorphAnalyzer().dictionary.iter_known_words():
        if "NOUN" in tag:
            lemmas.setdefault(norm(normal_form), set()).add(norm(word))
    print("# Russian nouns whose stem changes: lemma<TAB>stems the other forms are built on.")
    print("# Derived from the OpenCorpora dictionary (opencorpora.org, revision 417150,")
    print("# CC BY-SA 3.0) via pymorphy3-dicts-ru 2.4.417150.4580142; regenerate with")
    print("# src/text/russian_stems.py. This file is under CC BY-SA 3.0.")
    for lemma in sorted(lemmas):
        if len(lemma) < 3 or lemma.endswith("ич") or not all("а" <= c <= "я" for c in lemma):
            continue
        stems = changed_stems(lemma, lemmas[lemma])
        if stems:
            print(f"{lemma}\t{' '.join(stems)}")


if __name__ == "__main__":
    main()
