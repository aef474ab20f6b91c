#!/usr/bin/env bash
# Regenerates Sources/TernAPI/Generated from Protos/ (DESIGN.md §7). The output is committed,
# so builds and CI never need protoc. The protoc plugins are built once from the pinned
# swift-protobuf and grpc-swift-protobuf in their own scratch path (.build-codegen, ignored)
# so codegen never contends with, or invalidates, a development build. The GRPCProtobufGenerator
# build plugin is deliberately not used: it compiles protoc from C++ source.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="$root/.build-codegen"
out="$root/Sources/TernAPI/Generated"

if ! command -v protoc >/dev/null 2>&1; then
    echo "protoc not found: installing protobuf-compiler" >&2
    apt-get install -y protobuf-compiler >/dev/null
fi

echo "building protoc plugins in $scratch" >&2
swift build -c release --scratch-path "$scratch" --product protoc-gen-swift >&2
swift build -c release --scratch-path "$scratch" --product protoc-gen-grpc-swift-2 >&2
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

mkdir -p "$out"
rm -f "$out"/*.swift
protos=()
while IFS= read -r -d '' f; do protos+=("${f#Protos/}"); done < <(find Protos -name '*.proto' -print0 | sort -z)

# Public visibility: TernControl and TernProxy consume these types from another module.
protoc \
    --proto_path=Protos \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" \
    --swift_out="$out" \
    --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    --grpc-swift_out="$out" \
    --grpc-swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    "${protos[@]}"

echo "generated:" >&2
ls -1 "$out" >&2
