"""The journal's count and export run as ui.background.Job: a bug in them is logged with its traceback and the
page shows one Vietnamese sentence, never the exception's own text; an export can be cancelled."""

import logging

from dxdesk.ui.app import create_application
from dxdesk.ui.pages.journal.model import CountWorker, ExportWorker
from PySide6.QtCore import QThreadPool

from dxdesk.counter import journal


def _run(qtbot, worker):
    create_application()
    with qtbot.waitSignal(worker.signals.finished if isinstance(worker, ExportWorker) else worker.signals.failed,
                          timeout=10_000) as blocker:
        QThreadPool.globalInstance().start(worker)
    return blocker.args


def test_a_failing_count_is_logged_and_shown_as_one_vietnamese_sentence(qtbot, db, admin, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("SELECT count(*) FROM service_record: psycopg OperationalError at 0x7f")

    monkeypatch.setattr(journal, "count", broken)
    with caplog.at_level(logging.ERROR):
        (text,) = _run(qtbot, CountWorker(db, admin, journal.JournalFilter(), generation=1))
    assert text == "Lỗi ngoài dự kiến; chi tiết nằm trong tệp nhật ký."
    assert "psycopg" not in text
    logged = [r for r in caplog.records if r.name == "dxdesk.ui.background"]
    assert logged and logged[0].exc_info and "journal count" in logged[0].getMessage()


def test_a_cancelled_export_reports_minus_one_and_leaves_no_file(qtbot, db, admin, tmp_path, monkeypatch):
    real = journal.export

    def slow(*args, cancelled, progress, **kwargs):
        def progress_then_check(n):
            progress(n)
            worker.cancel = True  # the user pressed Cancel while rows were being written

        return real(*args, cancelled=cancelled, progress=progress_then_check, **kwargs)

    from dxdesk import demo
    from dxdesk.counting.catalogue import ensure_catalogue

    ensure_catalogue(db)
    demo.fill(db, admin, records=600, seed=2)
    monkeypatch.setattr(journal, "export", slow)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "nhat-ky.csv"
    worker = ExportWorker(db, admin, journal.JournalFilter(), out, "csv")
    (written,) = _run(qtbot, worker)
    assert written == -1 and not out.exists()
    assert list(folder.iterdir()) == []  # no half-written file either
