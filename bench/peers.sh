#!/usr/bin/env bash
# Recall and false alarms on other scanners' published samples (issue 15).
#
#   GITLEAKS_SRC=DIR NOSEYPARKER_SRC=DIR KINGFISHER_SRC=DIR BETTERLEAKS_SRC=DIR \
#   TRUFFLEHOG_SRC=DIR bench/peers.sh [--by-type]
#
# GITLEAKS_SRC is a checkout of the public repository gitleaks/gitleaks at
# tag v8.30.1 (a git directory works too: the tag is exported from it);
# NOSEYPARKER_SRC one of praetorian-inc/noseyparker (2e6e7f3 or later);
# KINGFISHER_SRC one of mongodb/kingfisher (its HEAD; measured at ee7c0db).
# BETTERLEAKS_SRC one of betterleaks/betterleaks (a gitleaks fork with more
# rules, the same layout; its commit 6381fa4 is exported, as the excluded
# samples below are named by that suite's numbering).
# TRUFFLEHOG_SRC one of trufflesecurity/trufflehog (its HEAD; measured at
# 3ab759f): only pkg/detectors is exported, and thsamples beside this script
# evaluates each detector's Test<X>_Pattern table statically (literals,
# constants, +, fmt.Sprintf, ...): a case that wants a result is a positive
# sample, the detector's directory its type; one that wants none a negative.
# Many of those negatives are a positive's key placed out of its detector's
# keyword range (TruffleHog's proximity rule), not a value that is no secret.
# The suites are built at run time into a temporary directory with the
# builders in ../shared/peer-suites (Kingfisher's with kingfisher-examples.py
# beside this script: its rule files are Nosey Parker's format under another
# path) and scored with score.py there; nothing of them is kept or committed.
# Set any one or more of the five. Needs Go, python3 and PyYAML
# (apt-get install python3-yaml).
#
# Some samples are placeholders, not secrets; they are excluded below, each by
# name with its reason, and the numbers are printed with and without them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SHARED=${PEER_SUITES:-$BENCH_SRC/../shared/peer-suites}
[ -d "$SHARED" ] || die "no peer-suites at $SHARED (set PEER_SUITES)"
need go python3 git
workdir
mkdir -p "$W/bin"
(cd "$BENCH_SRC" && go build -o "$W/bin/leakhook" ./cmd/leakhook) || die "go build failed"

# checkout DIR REV OUT [PATH...]: a plain tree of DIR at REV (a work tree or a
# bare git dir), or only the PATHs in it (a mirror may lack other large files).
checkout() {
	mkdir -p "$3"
	local gd
	gd=$(cd "$1" && cd "$(git rev-parse --git-dir)" && pwd) || die "$1 is not a git checkout"
	git --git-dir="$gd" archive "$2" "${@:4}" | tar -x -C "$3"
}

# Placeholders: samples whose "secret" is a documented dummy value. Each
# line: suite, sample file (relative to the suite), reason.
EXCLUDE=$(cat <<'EOF'
gitleaks	pos/snyk-api-token_586.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_587.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_588.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_589.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_590.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_591.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_592.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_593.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_594.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/snyk-api-token_595.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential digits and ABCD, not a token
gitleaks	pos/sonar-api-token_596.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_597.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_598.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_599.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_600.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_601.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_602.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_603.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/sonar-api-token_604.txt	12345678ABCDEFH1234567890ABCDEFH12345678: sequential digits and letters, not a token
gitleaks	pos/age-secret-key_10.txt	AGE-SECRET-KEY-1QQQ...Q: one letter repeated (all-zero key), not a key
gitleaks	pos/heroku-api-key_319.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential, not a key
gitleaks	pos/hubspot-api-key_323.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential, not a key
gitleaks	pos/messagebird-client-id_439.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential, not an id
gitleaks	pos/messagebird-client-id_440.txt	12345678-ABCD-ABCD-ABCD-1234567890AB: sequential, not an id
gitleaks	pos/aws-amazon-bedrock-api-key-long-lived_30.txt	ABSK...EXAMPLEEXAMPLE...: AWS's documented dummy key
gitleaks	pos/anthropic-admin-api-key_11.txt	sk-ant-admin01-abc12fake-456def789ghij-klmnopqrstuvwx-...: says fake, alphabet and digit sequences
gitleaks	pos/anthropic-api-key_15.txt	sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-...: alphabet and digit sequences (the admin-key placeholder above, api03)
gitleaks	pos/jwt_370.txt	jwt.io's documented example claims (sub 1234567890, John Doe) under a corrupted header (eyJhbGciOieee...): not a valid JWT
gitleaks	pos/jwt_371.txt	jwt.io's documented example claims (sub 1234567890, John Doe) under a corrupted header (eyJhbGciOieee...): not a valid JWT
noseyparker	pos/np.okta.1_370.txt	00aaa...a: one letter repeated, not a token
noseyparker	pos/np.okta.1_371.txt	00-aaa...-aaa...: one letter repeated, not a token
noseyparker	pos/np.okta.1_372.txt	00QCjAl4MlV-WPXM-ABCDEFGHIJKL-0HmjFx-vbGua: Okta's documented example token (ABCDEFGHIJKL)
noseyparker	pos/np.okta.1_373.txt	00QCjAl4MlV-WPXM-ABCDEFGHIJKL-0HmjFx-vbGua: Okta's documented example token (ABCDEFGHIJKL)
noseyparker	pos/np.aws.2_24.txt	aaa...a (40): one letter repeated, not a secret key
noseyparker	pos/np.aws.2_25.txt	aaa...a (40): one letter repeated, not a secret key
noseyparker	pos/np.aws.6_51.txt	A3T0ABCDEFGHIJKLMNOP: alphabet sequence, not a key id
noseyparker	pos/np.aws.6_52.txt	A3T0ABCDEFGHIJKLMNOP: alphabet sequence, not a key id
noseyparker	pos/np.azure.4_74.txt	aQwErTy123456789AbCdEf0123456789...: keyboard and digit sequences, not a token
noseyparker	pos/np.google.3_221.txt	aaa...a-: one letter repeated, not a client secret
noseyparker	pos/np.newrelic.1_330.txt	aaa...aNRAL: one letter repeated, not a license key
noseyparker	pos/np.newrelic.3_337.txt	NRAK-123456788ABCDEFGHIJKLMNOPQR: digit and alphabet sequence, not a key
noseyparker	pos/np.salesforce.1_438.txt	00DE0X0A0M0PeLE!...EXAMPLE...: Salesforce's documented example token
noseyparker	pos/np.slack.2_449.txt	xoxb-0000000000-0000000000000-xxx...x: zeros and x, not a token
noseyparker	pos/np.tavily.1_490.txt	tvly-xxx...x: x repeated, not a key
noseyparker	pos/np.kubernetes.1_295.txt	abcdef.1234567890abcdef: Kubernetes' documented example bootstrap token
noseyparker	pos/np.generic.5_154.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.generic.5_155.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.generic.5_157.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.generic.5_158.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.generic.5_159.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.generic.5_160.txt	super$ecret: the stock example password ("supersecret"); the suite itself has the same value as a negative (np.generic.5_166/167)
noseyparker	pos/np.postgres.1_397.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_398.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_399.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_400.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_401.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_402.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_404.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.postgres.1_405.txt	postgresql://user:secret@...: the PostgreSQL manual's connection URI examples (user "user", password "secret")
noseyparker	pos/np.odbc.1_355.txt	User Id=username;Password=secret: a documentation template (username / secret)
noseyparker	pos/np.odbc.1_356.txt	User Id=username;Password=secret: a documentation template (username / secret)
noseyparker	pos/np.odbc.1_357.txt	User ID=myUsername;Password=myPassword: the connection-string reference examples' dummy
noseyparker	pos/np.odbc.1_358.txt	User ID=myUsername;Password=myPassword: the connection-string reference examples' dummy
noseyparker	pos/np.odbc.1_359.txt	User ID=myUsername;Password=myPassword: the connection-string reference examples' dummy
noseyparker	pos/np.odbc.1_361.txt	pwd=#{datastore['DBPASSWORD']}: a template reference, no value
noseyparker	pos/np.gradle.1_233.txt	username 'user' / password 'password': a documentation placeholder
noseyparker	pos/np.gradle.1_235.txt	username 'user' / password 'password': a documentation placeholder
noseyparker	pos/np.gradle.1_236.txt	username 'user' / password 'password': a documentation placeholder
noseyparker	pos/np.gradle.1_234.txt	password "SOME_PASSWORD" under // your password here: a placeholder
noseyparker	pos/np.generic.4_149.txt	password=######: masked, no value
noseyparker	pos/np.generic.4_150.txt	the password thisismypassword: a placeholder
noseyparker	pos/np.generic.4_151.txt	AUTO_SESSION_PASSWORD=mypassword: a placeholder
noseyparker	pos/np.psexec.1_413.txt	-u DOMAIN\my-user -p mypass: a placeholder
noseyparker	pos/np.psexec.1_414.txt	-p $Password: a variable reference, no value
noseyparker	pos/np.psexec.1_415.txt	-p %nothing%: a batch variable reference, no value
noseyparker	pos/np.psexec.1_416.txt	-u DOMAIN\ADMINISTRATOR -p PASSWORD: a placeholder
noseyparker	pos/np.azure.2_65.txt	an App Configuration connection string whose Id and Secret spell the alphabet with digits swapped in (ABcdefGHi7kLMno/p, abCD1EF+GHIJ...)
noseyparker	pos/np.azure.2_66.txt	an App Configuration connection string whose Id and Secret spell the alphabet with digits swapped in (ABcdefGHi7kLMno/p, abCD1EF+GHIJ...)
noseyparker	pos/np.generic.4_147.txt	user Aladdin, password open_sesame: RFC 7617's example credentials
noseyparker	pos/np.generic.4_148.txt	user Aladdin, password open_sesame: RFC 7617's example credentials
noseyparker	pos/np.github.1_207.txt	a ghp_ token whose last six characters are not the CRC32 checksum of the thirty before them (as in Kingfisher's copy)
noseyparker	pos/np.github.1_208.txt	a ghp_ token whose last six characters are not the CRC32 checksum of the thirty before them (as in Kingfisher's copy)
noseyparker	pos/np.github.2_211.txt	a gho_ token whose last six characters are not the CRC32 checksum of the thirty before them (as in Kingfisher's copy)
noseyparker	pos/np.github.3_213.txt	a ghs_ token whose last six characters are not the CRC32 checksum of the thirty before them (as in Kingfisher's copy)
noseyparker	pos/np.github.3_212.txt	GitHub's documentation example token (ghu_16C7e42F292c69...Ae178B4a); its checksum is wrong
noseyparker	pos/np.github.4_214.txt	built from GitHub's documentation example tokens (1B4a2e77838347a7E420ce178F2E7c6912E169...); its checksum is wrong
EOF
)
# Kingfisher's placeholders are many (most of its examples are made up:
# abcdef1234567890..., 123e4567-e89b-..., xxxx); they are listed one a line,
# each with its reason, in kingfisher-placeholders.tsv beside this script.
EXCLUDE="$EXCLUDE
$(grep -v '^#' "$BENCH_SRC/bench/kingfisher-placeholders.tsv")"
# Betterleaks' likewise, in betterleaks-placeholders.tsv: its gitleaks
# placeholders again (12345678-ABCD-..., the Sonar and JWT ones), a1B2c3D4-style
# sequences, and samples of rules named for no secret (client IDs, URLs, hosts).
EXCLUDE="$EXCLUDE
$(grep -v '^#' "$BENCH_SRC/bench/betterleaks-placeholders.tsv")"

score() { # name dir
	local name=$1 dir=$2 report=$W/$1.sarif
	"$W/bin/leakhook" scan --format sarif "$dir" >"$report" || [ $? = 1 ] || die "leakhook scan failed on $name"
	echo "== $name (all samples)"
	python3 "$SHARED/score.py" "$dir" "$report" ${BY_TYPE:-}
	# The same scan scored without the excluded samples: they leave the truth
	# and their findings leave the report (else a placeholder found would
	# count as a false positive).
	local kept=$W/$name-kept
	rm -rf "$kept" && mkdir -p "$kept"
	python3 - "$dir" "$name" "$report" "$kept" "$EXCLUDE" <<'PY' || die "bad EXCLUDE line for $name"
import json, os, sys
d, name, report, kept, ex = sys.argv[1:]
drop = {}
for l in ex.splitlines():
    f = l.split("\t")
    if len(f) != 3 or not f[2].strip():
        sys.exit(f"EXCLUDE line is not suite<TAB>file<TAB>reason: {l!r}")
    if f[0] == name:
        if not os.path.isfile(os.path.join(d, f[1])):
            sys.exit(f"EXCLUDE names {f[1]}, which is not in the {name} suite")
        drop[f[1]] = f[2]
t = json.load(open(d + "/truth.json"))
json.dump([x for x in t if x["file"] not in drop], open(kept + "/truth.json", "w"))
doc = json.load(open(report))
def rel(uri):
    for key in ("pos/", "neg/"):
        i = uri.find(key)
        if i >= 0:
            return uri[i:]
    return uri
for run in doc.get("runs", []):
    run["results"] = [r for r in run.get("results") or []
                      if not any(rel(l.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")) in drop
                                 for l in r.get("locations") or [])]
json.dump(doc, open(kept + "/report.sarif", "w"))
print(f"== {name} without {len(drop)} excluded placeholder samples")
PY
	python3 "$SHARED/score.py" "$kept" "$kept/report.sarif" ${BY_TYPE:-}
	# Some negatives mean "not this rule", not "not a secret": a negative
	# sample byte-identical to a positive sample of another rule cannot go
	# unflagged without missing that positive. Counted apart, never dropped.
	python3 - "$dir" "$kept/report.sarif" <<'PY'
import hashlib, json, os, sys
d, report = sys.argv[1:]
def digest(p):
    return hashlib.sha256(open(p, "rb").read()).hexdigest()
pos = {}
for f in sorted(os.listdir(os.path.join(d, "pos"))):
    pos.setdefault(digest(os.path.join(d, "pos", f)), f)
flagged = set()
for run in json.load(open(report)).get("runs", []):
    for r in run.get("results") or []:
        for l in r.get("locations") or []:
            uri = l.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
            i = uri.find("neg/")
            if i >= 0:
                flagged.add(uri[i:])
twins = {f: pos[digest(os.path.join(d, f))] for f in sorted(flagged) if digest(os.path.join(d, f)) in pos}
print(f"negative files flagged: {len(flagged)}; of them {len(twins)} are byte-identical to another rule's positive sample, {len(flagged) - len(twins)} are not:")
for f in sorted(flagged):
    print(f"  {f}" + (f"  = {twins[f]}" if f in twins else ""))
PY
}
[ "${1:-}" = --by-type ] && BY_TYPE=--by-type

if [ -n "${GITLEAKS_SRC:-}" ]; then
	checkout "$GITLEAKS_SRC" v8.30.1 "$W/gitleaks-src"
	(cd "$SHARED/gitleaks-samples" && go run . "$W/gitleaks-src/cmd/generate/config/rules" "$W/gitleaks-src/config/gitleaks.toml") >"$W/gl.jsonl"
	python3 "$SHARED/samples-to-corpus.py" "$W/gl.jsonl" "$W/gitleaks-suite" >/dev/null
	score gitleaks "$W/gitleaks-suite"
fi
if [ -n "${NOSEYPARKER_SRC:-}" ]; then
	checkout "$NOSEYPARKER_SRC" HEAD "$W/np-src"
	python3 "$SHARED/noseyparker-examples.py" "$W/np-src" "$W/noseyparker-suite" >/dev/null
	score noseyparker "$W/noseyparker-suite"
fi
if [ -n "${KINGFISHER_SRC:-}" ]; then
	checkout "$KINGFISHER_SRC" HEAD "$W/kf-src" data/rules
	python3 "$BENCH_SRC/bench/kingfisher-examples.py" "$W/kf-src" "$W/kingfisher-suite" >/dev/null
	score kingfisher "$W/kingfisher-suite"
fi
if [ -n "${BETTERLEAKS_SRC:-}" ]; then
	# gitleaks' sample builder reads betterleaks' rules as they are; its
	# config is config/betterleaks.toml.
	checkout "$BETTERLEAKS_SRC" 6381fa45ae946c588e2e1334d8396a15e5171ad6 "$W/bl-src" cmd/generate/config/rules config/betterleaks.toml
	(cd "$SHARED/gitleaks-samples" && go run . "$W/bl-src/cmd/generate/config/rules" "$W/bl-src/config/betterleaks.toml") >"$W/bl.jsonl"
	python3 "$SHARED/samples-to-corpus.py" "$W/bl.jsonl" "$W/betterleaks-suite" >/dev/null
	score betterleaks "$W/betterleaks-suite"
fi
if [ -n "${TRUFFLEHOG_SRC:-}" ]; then
	checkout "$TRUFFLEHOG_SRC" HEAD "$W/th-src" pkg/detectors
	(cd "$BENCH_SRC" && go run ./bench/thsamples "$W/th-src" "$W/trufflehog-suite") || die "thsamples failed"
	score trufflehog "$W/trufflehog-suite"
fi
[ -n "${GITLEAKS_SRC:-}${NOSEYPARKER_SRC:-}${KINGFISHER_SRC:-}${BETTERLEAKS_SRC:-}${TRUFFLEHOG_SRC:-}" ] ||
	die "set GITLEAKS_SRC, NOSEYPARKER_SRC, KINGFISHER_SRC, BETTERLEAKS_SRC and/or TRUFFLEHOG_SRC"
