"""Each language's catalog is complete (Spanish, and any added to settings.LANGUAGES): every
string the code marks is in locale/LANG, translated, not fuzzy, with the same placeholders, in
the product's words; the compiled .mo matches it."""

import re
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
SOURCES = ("platform", "tenants", "workflow", "notifications")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|<[^>]+>")
# "Offender", "victim" and their kin are not the product's words, in any language: the English
# the code and templates are written in, and every translation.
FORBIDDEN = re.compile(
    r"\b(offender|victim|perpetrator|infractora?|v[ií]ctima|victimario|agresora?|delincuente"
    r"|ofensora?)(s|es)?\b",
    re.I,
)


def _translations(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _catalog_path(code):
    return settings.BASE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture(scope="module")
def catalog(language):
    assert _catalog_path(language).exists(), f"No catalog for {language}: see README"
    return polib.pofile(str(_catalog_path(language)))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What `makemessages` collects from the code now, from a copy of the sources (it writes
    into the `locale` folder above them, which must not be the repository's)."""
    root = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        shutil.copytree(
            settings.BASE_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    (root / "locale").mkdir()
    here = settings.BASE_DIR
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setattr(settings, "LOCALE_PATHS", [root / "locale"])
        call_command("makemessages", locale=["es"], verbosity=0)
    assert here.exists()
    return polib.pofile(str(root / "locale" / "es" / "LC_MESSAGES" / "django.po"))


def test_every_marked_string_is_in_the_catalog(catalog, extracted, language):
    known = {(e.msgctxt, e.msgid) for e in catalog}
    missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in known]
    assert not missing, (
        f"{len(missing)} strings are not in the {language} catalog; run `make messages` and "
        f"translate "
        f"them: {missing[:10]}"
    )


def test_every_message_is_translated_and_not_fuzzy(catalog, language):
    untranslated = [e.msgid for e in catalog if not all(_translations(e))]
    fuzzy = [e.msgid for e in catalog if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    print(f"\n{language} catalog: {len(catalog)} messages, all translated")


def test_translations_keep_placeholders_and_the_products_words(catalog):
    wrong = []
    for entry in catalog:
        for text in _translations(entry):
            source = entry.msgid if text is _translations(entry)[0] else entry.msgid_plural
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((entry.msgid, text))
            if FORBIDDEN.search(text):
                wrong.append((entry.msgid, text))
        if FORBIDDEN.search(entry.msgid) or FORBIDDEN.search(entry.msgid_plural or ""):
            wrong.append((entry.msgid, "(the English)"))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize(
    "word",
    [
        "offender",
        "Victims",
        "perpetrator",
        "infractor",
        "infractoras",
        "víctima",
        "victima",
        "victimarios",
        "agresores",
        "delincuente",
        "ofensora",
    ],
)
def test_the_products_words_guard_knows_each_word(word):
    assert FORBIDDEN.search(f"La {word} dijo.")
    assert not FORBIDDEN.search("persona afectada, persona que causó daño, harmed person")


def test_templates_use_the_products_words():
    """Words written straight into a template (not marked for translation) and emails' text."""
    wrong = []
    for name in SOURCES:
        for path in (settings.BASE_DIR / name).rglob("templates/**/*"):
            if path.suffix in (".html", ".txt") and FORBIDDEN.search(path.read_text()):
                wrong.append(str(path.relative_to(settings.BASE_DIR)))
    assert not wrong, wrong


def test_the_compiled_catalog_matches_the_translations(catalog, language):
    compiled_path = _catalog_path(language).with_suffix(".mo")
    compiled = {(e.msgctxt, e.msgid): _translations(e) for e in polib.mofile(str(compiled_path))}
    stale = [e.msgid for e in catalog if compiled.get((e.msgctxt, e.msgid)) != _translations(e)]
    assert not stale, f"{compiled_path} is out of date: run `make messages`. {stale[:5]}"
