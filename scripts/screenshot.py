"""Screenshots of the main window for the README, made from a fresh demo database (no hand work).

    .venv/bin/python scripts/screenshot.py --out docs/screenshots/main.png [--page counter] [--lang vi]
                                           [--size 1366x768] [--scale 1.25] [--records 3000]
Runs offscreen (no display needed); the window is drawn at SIZE/SCALE logical pixels, as on an office PC.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--page", default="counter")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--home", help="use this data folder instead of a fresh demo")
    parser.add_argument("--wait", type=int, default=2000, help="ms to let background work (previews) finish")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from dxdesk import demo
    from dxdesk.database import open_database
    from dxdesk.i18n import set_language
    from dxdesk.paths import AppPaths
    from dxdesk.security.actor import cli_actor

    set_language(args.lang)
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="dxdesk-shot-"))
    paths = AppPaths(home).ensure()
    db = open_database(None, paths)
    if not args.home:
        demo.fill(db, cli_actor(), records=args.records, seed=7)

    from dxdesk.ui.app import build_main_window, create_application
    from dxdesk.ui.signin import sign_in
    from PySide6.QtWidgets import QApplication

    _app = create_application([sys.argv[0]])  # kept alive for the whole run
    actor = sign_in(None, db, paths) or cli_actor()
    window = build_main_window(db, paths, actor)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(int(width / args.scale), int((height - 40) / args.scale))
    window.show()
    window.show_page(args.page)
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()  # let the page's workers (previews, counts) finish before the picture
    QTimer.singleShot(args.wait, loop.quit)
    loop.exec()
    image = window.grab()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    ok = image.save(args.out)
    print(args.out, image.width(), "x", image.height(), "saved" if ok else "FAILED")
    window.close()
    db.dispose()
    QApplication.quit()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
