"""Entry script of the frozen build. One program, two executables: `dxdesk` (console: the CLI, or the GUI
when started without arguments) and `dxdesk-gui` (windowed: always the GUI, no console window on Windows)."""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from dxdesk.cli import gui_main, main

    name = os.path.splitext(os.path.basename(sys.executable))[0].lower()
    sys.exit(gui_main() if name.endswith("-gui") else main())
