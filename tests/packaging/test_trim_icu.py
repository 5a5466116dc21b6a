"""The ICU data the Linux bundle keeps: English and root locale data, everything that is not
locale data, and the common single-byte code pages; other languages and CJK code pages go."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "trim_icu.py"
_spec = importlib.util.spec_from_file_location("trim_icu", _SCRIPT)
assert _spec and _spec.loader
trim_icu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trim_icu)


@pytest.mark.parametrize("item", [
    "root.res", "en.res", "en_US.res", "en_GB.res", "en_150.res", "pool.res",
    "coll/root.res", "coll/en_US_POSIX.res", "zone/en.res", "zone/en_AU.res", "unit/en_CA.res",
    "zoneinfo64.res", "metaZones.res", "windowsZones.res", "timezoneTypes.res",
    "supplementalData.res", "likelySubtags.res", "coll/ucadata.icu", "uprops.icu",
    "brkitr/root.res", "brkitr/word.brk", "brkitr/thaidict.dict", "nfkc.nrm", "cnvalias.icu",
    "ibm-5348_P100-1997.cnv", "ibm-1252_P100-2000.cnv", "iso-8859_10-1998.cnv",
    "ibm-437_P100-1995.cnv", "ibm-850_P100-1995.cnv",
])
def test_kept(item):
    assert not trim_icu.dropped(item)


@pytest.mark.parametrize("item", [
    "de.res", "es_US.res", "fr_CA.res", "zh_Hant_TW.res", "english.res",
    "coll/sv.res", "zone/de.res", "curr/ja.res", "lang/es.res", "region/fr.res",
    "rbnf/ru.res", "translit/root.res", "translit/en.res",
    "ibm-943_P15A-2003.cnv", "gb18030.cnv", "ibm-37_P100-1995.cnv", "euc-jp-2007.cnv",
])
def test_dropped(item):
    assert trim_icu.dropped(item)
