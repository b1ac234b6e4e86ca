#!/usr/bin/env python3
"""List the Kingfisher suite's made-up samples for bench/peers.sh.

usage: kingfisher-placeholders.py SUITE_DIR > kingfisher-placeholders.tsv

SUITE_DIR is what kingfisher-examples.py built. A positive sample is listed when the
longest secret-like token in it counts in sequence (123456, abcde, 9876543210),
counts a1b2c3-style, spells the alphabet in mixed case (rStUvW), types a keyboard row, says it is an example, is the RFC 4122
example UUID, or is mostly one repeated character; a short list (MANUAL) names the
samples that hold no secret at all (public keys, client IDs, usernames). Rules whose samples carry a
password or a key inside other text (generic, connection strings, PEM, JWT, password
hashes) are skipped: their longest token is not always the secret. Only the reason
is written, never the value.
"""
import json, re, sys, os
d = sys.argv[1]
t = json.load(open(os.path.join(d, 'truth.json')))
tok_re = re.compile(r'[A-Za-z0-9_\-+/=.:@]{12,}')
def seqrun(s):
    # longest run of consecutive ascending/descending digits or letters
    best = ''
    for step in (1, -1):
        cur = s[0] if s else ''
        for a, b in zip(s, s[1:]):
            if (a.isdigit() and b.isdigit() or a.isalpha() and b.isalpha() and a.islower() == b.islower()) and ord(b) - ord(a) == step:
                cur += b
            else:
                cur = b
            if len(cur) > len(best):
                best = cur
    return best
checks = [
    (re.compile(r'123e4567-e89b-12d3-a456-42661417', re.I), "it is the RFC 4122 example UUID (123e4567-e89b-...)"),
    (re.compile(r'qwert|asdfg|zxcvb|yxcvb', re.I), "it types a keyboard row"),
    (re.compile(r'example|sample|your[_-]?|fake|dummy|placeholder|changeme', re.I), "it says it is an example"),
    (re.compile(r'(?:a1b2c3|1a2b3c|ab12cd34|12ab34cd)', re.I), "it counts a1b2c3-style"),
]
# Samples that hold no secret at all, whatever the rule's name says: public keys and
# identifiers (Kingfisher's own rule names call them so), usernames, a URL without a key.
MANUAL = [
    ("pos/kingfisher.age.1_6.txt", "an age recipient: a public key (the rule is named so), not a secret"),
    ("pos/kingfisher.asana.1_40.txt", "an Asana OAuth client ID (the rule is named so): public, not a secret"),
    ("pos/kingfisher.azuresearch.url.1_89.txt", "an Azure Search service URL with no key in it"),
    ("pos/kingfisher.bitbucket.1_107.txt", "a Bitbucket OAuth client ID (the rule is named so): public, not a secret"),
    ("pos/kingfisher.linkedin.1_697.txt", "form labels (LinkedIn ID), no value at all"),
    ("pos/kingfisher.mapbox.1_736.txt", "a Mapbox public token (pk., the rule is named so): meant for browsers, not a secret"),
    ("pos/kingfisher.reactapp.1_1002.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.reactapp.1_1003.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.reactapp.1_1004.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.reactapp.1_1005.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.reactapp.1_1006.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.reactapp.1_1007.txt", "a username (the rule is named so), no password"),
    ("pos/kingfisher.twitter.1_1275.txt", "a Twitter client ID (the rule is named so), no secret beside it"),
    ("pos/kingfisher.squareup.1_1172.txt", "a Square application ID (sq0idp-): public, not a secret"),
    ("pos/kingfisher.squareup.1_1173.txt", "a Square application ID (sq0idp-): public, not a secret"),
]
# Made-up values in rules the heuristics skip (connection strings): read by hand.
MADEUP = [
    ("pos/kingfisher.azure.2_77.txt", "an App Configuration connection string whose Id and Secret spell the alphabet with digits swapped in (ABcdefGHi7kLMno/p, abCD1EF+GHIJ...)"),
    ("pos/kingfisher.azure.2_78.txt", "an App Configuration connection string whose Id and Secret spell the alphabet with digits swapped in (ABcdefGHi7kLMno/p, abCD1EF+GHIJ...)"),
]
files = {x['file'] for x in t}
out = [f"kingfisher\t{f}\tno secret: {r}" for f, r in MANUAL if f in files]
out += [f"kingfisher\t{f}\tthe value is made up: {r}" for f, r in MADEUP if f in files]
manual = {f for f, _ in MANUAL + MADEUP}
skip = re.compile(r'^kingfisher\.(?:generic|psexec|odbc|netrc|postgres|uri|ftp|mongodb|rabbitmq|gradle|reactapp|weak_password|jenkins|privkey|pem|jwt|pwhash|krb5|django|azure)\.')
for x in t:
    if skip.match(x['type']) or x['file'] in manual:
        continue
    text = open(os.path.join(d, x['file'])).read()
    toks = [m.group(0) for m in tok_re.finditer(text)]
    if not toks:
        continue
    tok = max(toks, key=len)
    why = None
    for rx, r in checks:
        m = rx.search(tok)
        if m:
            why = r + f" ({m.group(0)[:12]})" if r != checks[0][1] else r
            break
    if not why:
        m = re.search(r'(.)\1{5,}', tok)
        if m and len(m.group(0)) * 3 >= len(tok):
            why = f"one character repeated ({m.group(0)[:8]}...)"
    if not why:
        run = seqrun(tok)
        if len(run) >= 6 or (len(run) >= 5 and run.isalpha()):
            why = f"it counts in sequence ({run[:12]})"
    if not why:
        # the alphabet in mixed case, up or down (rStUvW, abcDEF, qpOnMl); leakhook's
        # global allowlist takes six ascending letters in a row, whatever their case,
        # for a placeholder
        run = seqrun(tok.lower())
        if len(run) >= 6 and run.isalpha():
            i = tok.lower().find(run)
            why = f"it spells the alphabet in mixed case ({tok[i:i + 12]})"
    if why:
        out.append(f"kingfisher\t{x['file']}\tthe value is made up: {why}")
print("# Kingfisher samples made up or holding no secret, each with its reason. Written by")
print("# kingfisher-placeholders.py from the suite at ee7c0db; every line whose sample")
print("# leakhook finds was read by hand, the rest skimmed. suite<TAB>sample file<TAB>reason.")
print("\n".join(out))
