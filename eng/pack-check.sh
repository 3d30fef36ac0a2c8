#!/usr/bin/env bash
# Packs the five packages and the lakehouse tool, then proves them usable as a stranger would:
# a consumer project restored only from the fresh .nupkg files (plus NuGet for their dependencies)
# builds and runs, and the tool installs from the same feed and answers --version.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
feed=artifacts/feed
rm -rf "$feed" artifacts/consumer
mkdir -p "$feed"
# Whether a .nupkg (a zip) holds an entry named exactly $2. A fresh machine need not have `unzip`, so
# Python's zipfile reads the listing when it can; the listing is captured whole before it is searched
# (a `unzip | grep -q` pipe under pipefail fails at random when grep stops reading early).
has_entry() {
  local listing
  if command -v python3 >/dev/null 2>&1; then
    listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1")
  elif command -v unzip >/dev/null 2>&1; then
    listing=$(unzip -Z1 "$1")
  else
    echo "pack-check needs python3 or unzip to look inside the packages" >&2
    return 2
  fi
  grep -qxF "$2" <<<"$listing"
}
echo "==> pack"
# The shipped packages and the tool, named explicitly (the sample hosts are not packages).
for project in src/Lakehouse.*/Lakehouse.*.csproj samples/Lakehouse.Cli/Lakehouse.Cli.csproj; do
  dotnet pack "$project" -c Release -nologo -v quiet -o "$feed"
done
for id in Lakehouse.Ingest Lakehouse.Geo Lakehouse.Medallion Lakehouse.Publisher Lakehouse.Odoo Lakehouse.Cli; do
  ls "$feed/$id".[0-9]*.nupkg >/dev/null 2>&1 || { echo "missing package $id" >&2; exit 1; }
done
for id in Lakehouse.Ingest Lakehouse.Geo Lakehouse.Medallion Lakehouse.Publisher Lakehouse.Odoo; do
  ls "$feed/$id".[0-9]*.snupkg >/dev/null 2>&1 || { echo "missing symbols package $id" >&2; exit 1; }
  has_entry "$(ls "$feed/$id".[0-9]*.nupkg)" README.md || { echo "$id has no README.md" >&2; exit 1; }
done
version=$(ls "$feed"/Lakehouse.Ingest.[0-9]*.nupkg | sed 's/.*Lakehouse\.Ingest\.\(.*\)\.nupkg/\1/')

# A private package folder so a stale copy of the same version in ~/.nuget can never stand in.
export NUGET_PACKAGES="$PWD/artifacts/consumer/packages"
echo "==> consumer project restores $version from the local feed and runs"
mkdir -p artifacts/consumer && cp -r eng/package-consumer artifacts/consumer/src
cat > artifacts/consumer/src/nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PWD/$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
dotnet run --project artifacts/consumer/src/PackageConsumer.csproj -c Release -p:LakehouseVersion="$version"
echo "==> lakehouse tool installs from the local feed"
dotnet tool install Lakehouse.Cli --version "$version" --tool-path artifacts/consumer/tool --add-source "$feed" >/dev/null
artifacts/consumer/tool/lakehouse --version
artifacts/consumer/tool/lakehouse --help >/dev/null
echo "packaging check passed"
