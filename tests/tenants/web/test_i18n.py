"""Page strings are marked for translation: `manage.py makemessages -l es` collects them."""

from django.conf import settings
from django.core.management import call_command


def test_makemessages_collects_the_public_and_admin_page_strings(tmp_path, monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path])
    call_command("makemessages", locale=["es"], verbosity=0)
    catalog = (tmp_path / "es" / "LC_MESSAGES" / "django.po").read_text()
    for text in (
        'msgid "File a complaint"',
        'msgid "Write this code down"',
        'msgid "Nothing opens with this code"',
        'msgid "No one is ever banned for good."',
        'msgid "Send my complaint"',
        'msgid "Policy settings"',
        'msgid "Save as a new version"',
        'msgid "Invite someone"',
        '"Beyond the field\'s recommendation of %(days)s days. Allowed, but people wait "',
        'msgid "Please wait a moment"',
    ):
        assert text in catalog, text
