#!/bin/sh
# verify-provenance-openssl.sh FILE FILE.intoto.jsonl KEYS.pem [BUILDER_ID [SOURCE [COMMIT]]]
# Verifies a Seakeeper provenance with standard tools only (openssl >= 3.0, jq, sha256sum,
# base64, awk), offline: the DSSE signature (Ed25519 over the DSSE pre-authentication encoding)
# with the key named by the envelope's keyid among KEYS.pem (GET /api/v1/provenance/keys), then
# the statement: in-toto v1, FILE's SHA-256 among its subjects, and, when given, the builder id,
# the source (CONNECTION/PROJECT) and the commit (a prefix of at least 7 digits).
# Exit 0 verified; 1 not verified (one line why); 2 usage. docs/server.md, "Verifying with
# standard tools".
set -eu
[ $# -ge 3 ] || { echo "usage: $0 FILE FILE.intoto.jsonl KEYS.pem [BUILDER_ID [SOURCE [COMMIT]]]" >&2; exit 2; }
file=$1 env=$2 keys=$3 builder=${4:-} source=${5:-} commit=${6:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
no() { echo "$file: not verified: $*" >&2; exit 1; }

type=$(jq -er .payloadType "$env") || no "not a DSSE envelope"
[ "$type" = "application/vnd.in-toto+json" ] || no "payload type is $type"
jq -er .payload "$env" | base64 -d > "$work/payload.json" || no "payload is not base64"
keyid=$(jq -er '.signatures[0].keyid' "$env") || no "no signature"
jq -er '.signatures[0].sig' "$env" | base64 -d > "$work/sig.bin" || no "signature is not base64"
# The public key whose "# keyid: ID" line precedes it.
awk -v id="$keyid" '/^# keyid: /{on=($3==id)} on && /-----BEGIN PUBLIC KEY-----/{p=1} p{print} p && /-----END PUBLIC KEY-----/{exit}' \
  "$keys" > "$work/key.pem"
[ -s "$work/key.pem" ] || no "signed by key $keyid, which is not in $keys"
# DSSE PAE: "DSSEv1" SP len(type) SP type SP len(payload) SP payload
{ printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(wc -c < "$work/payload.json")"; cat "$work/payload.json"; } > "$work/pae.bin"
openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in "$work/pae.bin" \
  -sigfile "$work/sig.bin" > /dev/null 2>&1 || no "the signature does not verify with key $keyid"

p=$work/payload.json
[ "$(jq -r ._type "$p")" = "https://in-toto.io/Statement/v1" ] || no "not an in-toto Statement v1"
sha=$(sha256sum "$file" | cut -d' ' -f1)
jq -e --arg d "$sha" 'any(.subject[]; .digest.sha256 == $d)' "$p" > /dev/null \
  || no "its SHA-256 $sha matches no subject of the provenance"
got_builder=$(jq -r .predicate.runDetails.builder.id "$p")
[ -z "$builder" ] || [ "$got_builder" = "$builder" ] || no "built by $got_builder, not $builder"
ext=.predicate.buildDefinition.externalParameters
got_source=$(jq -r "$ext.connection + \"/\" + $ext.project" "$p")
[ -z "$source" ] || [ "$got_source" = "$source" ] || no "the provenance is for $got_source, not $source"
got_commit=$(jq -r "$ext.commit" "$p")
case "$got_commit" in
  "$commit"*) [ -z "$commit" ] || [ ${#commit} -ge 7 ] || no "give at least 7 digits of the commit" ;;
  *) no "the provenance is for commit $got_commit, not $commit" ;;
esac
echo "verified: sha256:$sha built by $got_builder from $got_source at $got_commit"
