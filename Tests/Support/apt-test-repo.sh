#!/bin/sh
# Builds a throw-away apt setup for the apt/package module tests, so nothing reaches a Debian
# mirror: tiny packages made with dpkg-deb (runner-test-a 1.0 and 1.1, runner-test-b 1.0), a
# flat repository of them in DIR/repo (a Packages file written here, no dpkg-dev needed), and
# DIR/apt.conf, an APT_CONFIG that makes apt read only that repository's source and keep its
# lists and caches under DIR (fetched as root: no _apt sandbox warning that would depend on
# the directory's mode). Tasks use it with `environment: {APT_CONFIG: DIR/apt.conf}`;
# apt-get (and python-apt, for ansible's module) read APT_CONFIG after /etc/apt/apt.conf.d.
#
#   Tests/Support/apt-test-repo.sh DIR      (the packages' files are fixed, so builds repeat)
set -eu
dir=$1
mkdir -p "$dir/repo" "$dir/build" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d"
deb() {  # name version
  root="$dir/build/$1_$2"
  mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$1"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: runner tests <runner@localhost>\nSection: misc\nPriority: optional\nDescription: runner apt module test package\n' "$1" "$2" > "$root/DEBIAN/control"
  printf '%s %s\n' "$1" "$2" > "$root/usr/share/doc/$1/version"
  find "$root" -exec touch -h -d @1700000000 {} +
  SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zgzip --build "$root" "$dir/repo/$1_$2_all.deb" >/dev/null
}
deb runner-test-a 1.0
deb runner-test-a 1.1
deb runner-test-b 1.0
: > "$dir/repo/Packages"
for f in "$dir"/repo/*.deb; do
  { dpkg-deb -f "$f"
    printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "${f##*/}" "$(wc -c < "$f" | tr -d ' ')" "$(sha256sum "$f" | cut -d' ' -f1)"
  } >> "$dir/repo/Packages"
done
gzip -9nkf "$dir/repo/Packages"
printf 'deb [trusted=yes] file:%s/repo ./\n' "$dir" > "$dir/sources.list"
cat > "$dir/apt.conf" <<CONF
Dir::Etc::sourcelist "$dir/sources.list";
Dir::Etc::sourceparts "$dir/sources.list.d";
Dir::State::Lists "$dir/lists";
Dir::Cache "$dir/cache";
Acquire::Languages "none";
APT::Sandbox::User "root";
Acquire::CompressionTypes::Order { "gz"; };
#clear APT::Update::Post-Invoke-Success;
#clear APT::Update::Post-Invoke;
CONF
