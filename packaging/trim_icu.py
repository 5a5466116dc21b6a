"""Trim the ICU data library that Qt's Linux wheels carry (libicudata.so.NN, 32 MB) to what an
English-language desktop app can reach: 7 MB. Run by build.sh on the built bundle.

Qt 6 loads ICU for collation (QCollator), time-zone display names, non-UTF text codecs and
IDNA. The app's text is English and its files UTF-8, so the data kept is:
- everything that is not locale data: Unicode properties, normalization, the time-zone
  database (zoneinfo64, metaZones, windowsZones...), likely subtags, plural rules;
- the root locale and every English locale (en, en_US, en_GB, en_150...) in every tree:
  formats, collation, break rules, zone, currency, language, region and unit names;
- the break-iterator dictionaries (root's word rules depend on them) and the common
  single-byte code pages (ISO 8859-x, Windows 125x, DOS 437/850).
Dropped: other languages' locale data (a workstation in another locale falls back to root
data, as ICU does for any missing locale), transliteration, and CJK / EBCDIC code pages.
`icupkg` refuses to drop an item something kept depends on, so the result is a consistent
package, and the smoke test runs the bundle on it.

Windows and macOS builds carry no ICU (Qt uses the system's), so this is Linux only. It
needs ICU's tools (Debian's icu-devtools: icupkg, genccode), binutils' nm and a C compiler;
without them the full library is kept and the build says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOOLS = ("icupkg", "genccode", "nm", "cc")

#: Top-level resource bundles that are not a locale's: kept whatever the locale rule says.
SHARED_BUNDLES = {
    "pool", "res_index", "supplementalData", "likelySubtags", "metadata", "metaZones",
    "timezoneTypes", "windowsZones", "zoneinfo64", "tzdbNames", "keyTypeData",
    "numberingSystems", "plurals", "pluralRanges", "dayPeriods", "genderList",
    "grammaticalFeatures", "icuver", "icustd", "units", "currencyNumericCodes",
}
KEPT_LOCALE = re.compile(r"^(root|en|en_[A-Za-z0-9_]+)$")
KEPT_CODE_PAGE = re.compile(
    r"^(ibm-125[0-8]_|ibm-5348_|ibm-91[2-5]_|ibm-92[03]_|ibm-437_|ibm-850_|iso-8859_|"
    r"windows-874-)")


def dropped(item: str) -> bool:
    """Whether a data item (as `icupkg -l` names it) leaves the trimmed package."""
    name = item.rsplit("/", 1)[-1]
    if item.startswith("translit/"):
        return True
    if name.endswith(".cnv"):
        return not KEPT_CODE_PAGE.match(name)
    if name.endswith(".res"):
        stem = name[:-len(".res")]
        return stem not in SHARED_BUNDLES and not KEPT_LOCALE.match(stem)
    return False


def trim(library: Path) -> tuple[int, int]:
    """Replace `library` by its trimmed build; its size (bytes) before and after."""
    match = re.match(r"libicudata\.so\.(\d+)$", library.name)
    if not match:
        raise SystemExit(f"trim_icu: {library} is not a libicudata.so.NN")
    version = match.group(1)
    symbol = f"icudt{version}_dat"
    before = library.stat().st_size
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        full = work / f"icudt{version}l.dat"
        full.write_bytes(_data_package(library, symbol))
        listed = _run("icupkg", "-l", str(full)).split()
        removals = work / "remove.txt"
        removals.write_text("\n".join(item for item in listed if dropped(item)) + "\n")
        # the package keeps its name (icudtNNl): ICU finds items as "icudtNNl/coll/root.res",
        # and icupkg names the items after the output file
        (work / "out").mkdir()
        trimmed = work / "out" / full.name
        _run("icupkg", "-r", str(removals), str(full), str(trimmed))
        _run("genccode", "-a", "gcc", "-e", f"icudt{version}", "-d", str(work), str(trimmed))
        built = work / library.name
        _run("cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(built),
             str(work / f"{full.stem}_dat.S"))
        if not _data_package(built, symbol).startswith(trimmed.read_bytes()):
            raise SystemExit("trim_icu: the rebuilt library does not hold the trimmed data")
        shutil.copyfile(built, library)
    return before, library.stat().st_size


def _data_package(library: Path, symbol: str) -> bytes:
    """The bytes of the common data package the library exports as `symbol`."""
    listing = _run("nm", "-D", "-S", "--defined-only", str(library))
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == symbol:
            address, size = int(fields[0], 16), int(fields[1], 16)
            break
    else:
        raise SystemExit(f"trim_icu: {library} exports no {symbol}")
    offset = _file_offset(library, address)
    with library.open("rb") as handle:
        handle.seek(offset)
        return handle.read(size)


def _file_offset(library: Path, address: int) -> int:
    """Where in the file the loaded address lies (from the program headers)."""
    for line in _run("readelf", "-lW", str(library)).splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD":
            offset, virtual, file_size = (int(fields[i], 16) for i in (1, 2, 4))
            if virtual <= address < virtual + file_size:
                return address - virtual + offset
    raise SystemExit(f"trim_icu: address {address:#x} is in no loaded part of {library}")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _say(line: str) -> None:
    sys.stdout.write(f"trim_icu: {line}\n")


def main(bundle: str) -> int:
    # PyInstaller links the library into _internal/ beside its place in PySide6/Qt/lib/
    libraries = sorted({path.resolve() for path in Path(bundle).rglob("libicudata.so.*")})
    if not libraries:
        _say("no ICU data library in the bundle (not Linux?): nothing to trim")
        return 0
    missing = [tool for tool in (*TOOLS, "readelf") if not shutil.which(tool)]
    if missing:
        _say(f"the full ICU data is kept ({', '.join(missing)} not found; on Debian/Ubuntu: "
             f"apt-get install icu-devtools binutils gcc)")
        return 0
    for library in libraries:
        before, after = trim(library)
        _say(f"{library.name} {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
