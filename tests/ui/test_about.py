"""About: version, the app's licence and every bundled font's, the unit list's notice, where data and logs live."""

from importlib.resources import files

from dxdesk.ui.about import AboutDialog, about_html, bundled_fonts, licences_text
from dxdesk.ui.app import create_application

from dxdesk import __version__
from dxdesk.i18n import set_language


def test_about_names_version_licences_and_storage(home):
    text = about_html(home)
    assert f"dxdesk {__version__}" in text
    assert "giấy phép MIT" in text
    assert "SIL Open Font License 1.1" in text
    shipped = sorted(p.name for p in (files("dxdesk.resources") / "fonts").iterdir() if p.name.endswith(".ttf"))
    assert shipped and bundled_fonts() == shipped
    for font in shipped:
        assert font in text
    for where in (home.home, home.database, home.backups, home.log_file):
        assert str(where) in text
    assert "Nơi lưu dữ liệu của bạn" in text


def test_licence_texts_are_complete():
    text = licences_text()
    assert "Permission is hereby granted, free of charge" in text  # the app (MIT)
    assert "SIL OPEN FONT LICENSE Version 1.1" in text  # the fonts' full licence, from resources/fonts
    assert "Copyright (c) 2021 Thang Le Quoc" in text  # the unit list source's MIT notice
    assert "19/2025/QĐ-TTg" in text


def test_about_in_english(home):
    set_language("en")
    text = about_html(home)
    assert "MIT licence" in text and "Where your data is kept" in text


def test_about_dialog_fits_and_opens_on_the_summary(qtbot, home):
    create_application()
    dialog = AboutDialog(None, home)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Giới thiệu dxdesk"
    assert str(home.log_file) in dialog.summary.toPlainText()
    assert "SIL OPEN FONT LICENSE" in dialog.licences.toPlainText()
    assert dialog.width() <= 1093 and dialog.height() <= 614
    assert dialog.open_data.isEnabled()
