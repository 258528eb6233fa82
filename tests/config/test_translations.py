"""The shipped translation catalogues are complete and compiled.

A fresh clone need not have GNU gettext, so the compiled .mo files are in the repository; these
tests keep them honest. File times are no guide (a checkout sets them all), so a .mo is compared
with what its .po compiles to, entry by entry. When xgettext is installed, the catalogue is also
checked against a fresh `makemessages` run: no marked text may be missing from it.
"""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
IGNORED = [".venv", "venv", "node_modules", "staticfiles", "media", "test-artifacts", "tests", "bench", "docs"]


def entries(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (entry.msgstr, dict(entry.msgstr_plural))
        for entry in catalogue
        if not entry.obsolete and "fuzzy" not in entry.flags
    }


def test_every_language_but_the_default_has_a_catalogue():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {"zh_Hans"}, f"catalogues found: {sorted(languages)}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def test_mo_is_the_compiled_po(po_path, tmp_path):
    # given
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: compile {po_path.name} and commit the .mo"
    compiled = tmp_path / "fresh.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(compiled))
    # then
    assert entries(polib.mofile(str(mo_path))) == entries(polib.mofile(str(compiled))), (
        f"{mo_path} is not {po_path.name} compiled: run polib's save_as_mofile or msgfmt and commit the .mo"
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    # given
    catalogue = polib.pofile(str(po_path))
    # then
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def test_msgfmt_accepts_the_catalogue(po_path, tmp_path):
    # placeholders must match between msgid and msgstr (python-format), plural forms must be valid
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "checked.mo"), str(po_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext's xgettext is not installed")
def test_catalogue_holds_every_marked_text(settings, tmp_path, monkeypatch):
    # given: makemessages run over a copy of the code and templates, so the shipped catalogue is left alone
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR, project, ignore=shutil.ignore_patterns(*IGNORED, "locale", ".*", "__pycache__", "*.sqlite3")
    )
    (project / "locale").mkdir()
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORED, verbosity=0)
    fresh_catalogue = polib.pofile(str(project / "locale/zh_Hans/LC_MESSAGES/django.po"))
    fresh = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in fresh_catalogue}
    assert ("", "Add to cart", "") in {(c or "", i, p or "") for c, i, p in fresh}, "makemessages found the templates"
    shipped = polib.pofile(str(LOCALE_DIR / "zh_Hans/LC_MESSAGES/django.po"))
    translated = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in shipped.translated_entries()}
    # then
    missing = sorted(msgid for _context, msgid, _plural in fresh - translated)
    assert missing == [], f"marked but not translated (run makemessages -l zh_Hans, translate, compile): {missing}"
    stale = sorted(msgid for _context, msgid, _plural in translated - fresh)
    assert stale == [], f"translated but no longer marked anywhere (run makemessages --no-obsolete): {stale}"
