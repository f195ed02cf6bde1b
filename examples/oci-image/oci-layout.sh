#!/bin/sh
# oci-layout.sh ROOTFS LAYOUT [TAG] — writes an OCI image layout (image-spec v1.1) of the
# directory ROOTFS, one layer, without a daemon, without root: tar, gzip, sha256sum, printf.
# Reproducible: every time is SOURCE_DATE_EPOCH (default 0), owners are 0:0, names sorted.
# Pack it as an OCI archive with: tar -C LAYOUT -cf image.oci.tar oci-layout index.json blobs
# (what `skopeo copy oci-archive:image.oci.tar docker://...` or `podman load` read).
set -eu
rootfs=$1
layout=$2
tag=${3:-latest}
epoch=${SOURCE_DATE_EPOCH:-0}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)

mkdir -p "$layout/blobs/sha256"
blobs=$layout/blobs/sha256
tmp=$layout/.tmp
mkdir -p "$tmp"

digest() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c < "$1" | tr -d ' '; }
# keep FILE: moves FILE to blobs/sha256/<its digest>, prints the digest
keep() { d=$(digest "$1"); mv "$1" "$blobs/$d"; echo "$d"; }

# The layer: the tree as root-owned entries, sorted, every time the same.
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$rootfs" -cf "$tmp/layer.tar" .
diff_id=$(digest "$tmp/layer.tar")
gzip -n -9 < "$tmp/layer.tar" > "$tmp/layer.tar.gz"
layer_size=$(size "$tmp/layer.tar.gz")
layer=$(keep "$tmp/layer.tar.gz")
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

printf '{"architecture":"%s","os":"linux","created":"%s","config":{"WorkingDir":"/srv/www"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"oci-layout.sh"}]}' \
  "$arch" "$created" "$diff_id" "$created" > "$tmp/config.json"
config_size=$(size "$tmp/config.json")
config=$(keep "$tmp/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$tmp/manifest.json"
manifest_size=$(size "$tmp/manifest.json")
manifest=$(keep "$tmp/manifest.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$tag" > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
rm -rf "$tmp" "$layout/.tmp"
echo "sha256:$manifest"
