#!/usr/bin/env bash
# Smoke-test the Windows installer built by scripts/build-windows.sh, under Wine (issue #19):
#  1. a FRESH Wine prefix (a "new PC"), the setup run silently under Xvfb with no options: the per-user
#     install (no administrator) into %LOCALAPPDATA%\Programs\dxdesk, shortcuts starting in Documents;
#  2. the INSTALLED dxdesk.exe does the work an office does, in its default data folder %LOCALAPPDATA%\dxdesk:
#     --version, demo --records 2000, stats, log, report tally (PDF + DOCX + PNG), guides (QR codes decoded
#     by zbarimg), export (zip with CSV + XLSX), audit export (CSV), backup and restore, and in folders with
#     Vietnamese names: init, import of the export into a second data folder;
#  3. dxdesk-gui.exe starts offscreen on that database (main window built: "GUI started" in the log);
#  4. the silent uninstall removes the program folder and keeps %LOCALAPPDATA%\dxdesk;
#  5. unit tests that need no Linux tools, run by the Windows Python of the build (see WIN_TESTS below).
# Prints one line per check ("  ok    ..." / "  FAIL  ..."); exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=wine-env.sh
. scripts/wine-env.sh
wine_common_env
start=$SECONDS
failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }
SETUP=$(ls "$WINBUILD"/dxdesk-setup-*.exe 2>/dev/null | head -1)
[ -n "$SETUP" ] || { echo "smoke-windows: no setup in $WINBUILD (run scripts/build-windows.sh)" >&2; exit 1; }
echo "smoke-windows: $(basename "$SETUP") ($(du -h "$SETUP" | cut -f1)) into a fresh Wine prefix"

# 1. A fresh prefix (with the two Windows DLLs Wine 8 lacks, see wine-env.sh) and the silent install.
wine_new_prefix "$WINBUILD/smoke-prefix"
C="$WINEPREFIX/drive_c"
mkdir -p "$C/smoke"
# The setup needs an X display even with /VERYSILENT (its wizard form is created, never shown).
in_xvfb() { xvfb-run -a -s "-screen 0 1366x768x24" bash -c "$1 2>&1 | cat; wineserver -w"; }
in_xvfb "wine '$(winpath "$SETUP")' /VERYSILENT /SUPPRESSMSGBOXES /NORESTART '/LOG=C:\\smoke\\setup.log'"
LOCAL_WIN=$(wine cmd /c 'echo %LOCALAPPDATA%' 2>/dev/null | tr -d '\r')
LOCAL=$(winepath -u "$LOCAL_WIN" 2>/dev/null)
LOCAL=${LOCAL%/}
APPDIR="$LOCAL/Programs/dxdesk"
DATA="$LOCAL/dxdesk"
APP="$APPDIR/dxdesk.exe"
if [ -f "$APP" ] && [ -f "$APPDIR/dxdesk-gui.exe" ] && [ -d "$APPDIR/_internal" ]; then
  pass "silent per-user install (no administrator): $LOCAL_WIN\\Programs\\dxdesk ($(du -sh "$APPDIR" | cut -f1))"
else
  fail "install: no program in $APPDIR; setup log: $(tail -5 "$C/smoke/setup.log" 2>/dev/null)"
  echo "smoke-windows: $failures failure(s) in $((SECONDS - start)) s"; exit 1
fi
[ -d "$C/Program Files/dxdesk" ] && fail "also installed into C:\\Program Files\\dxdesk (should be per user)"
wine_stub_leaked "$APPDIR" && fail "a Wine stand-in DLL ($WINE_STUB_DLLS) is in the installed program folder"
lnk=$(find "$C/users" -iname 'dxdesk.lnk' -path '*Start Menu*' | head -1)
lnk_text=$(strings -el "$lnk" 2>/dev/null)
if [ -n "$lnk" ] && [[ "$lnk_text" == *Documents* ]]; then
  pass "Start-menu shortcut, working folder Documents: $(strings -el "$lnk" | grep -i -m1 'documents')"
else
  fail "Start-menu shortcut with working folder Documents (found: ${lnk:-none})"
fi

# 2. The installed program at work. The CLI's output is piped (a Windows Python writing straight to a file
# dies under Wine 8); output files are written through Windows paths, some with Vietnamese names.
dx() { wrun "$APP" "$@" | tr -d '\r'; return "${PIPESTATUS[0]}"; }
out=$(dx --version) && [[ "$out" == dxdesk\ * ]] && pass "dxdesk.exe --version: $out" || fail "--version: $out"
out=$(dx demo --records 2000) && [ -f "$DATA/dxdesk.sqlite3" ] && pass "demo --records 2000 in %LOCALAPPDATA%\\dxdesk: $out" \
  || fail "demo: $out"
before=$(dx stats --period 2026 --json)
total() { echo "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(sum(r['count'] for r in d['services']))" 2>/dev/null; }
n_before=$(total "$before")
[ -n "$n_before" ] && [ "$n_before" -ge 2000 ] && pass "stats --period 2026: $n_before services counted" \
  || fail "stats: $(echo "$before" | head -3)"
out=$(dx log vneid --date 2026-03-02) && [ -n "$out" ] && pass "log vneid: record $out" || fail "log: $out"
n_after=$(total "$(dx stats --period 2026 --json)")
[ "$n_after" = "$((n_before + 1))" ] && pass "stats after log: $n_before -> $n_after" || fail "stats after log: $n_before -> $n_after"

out=$(dx report tally --period 2026 --out 'C:\smoke\báo cáo 2026.pdf' --docx 'C:\smoke\báo cáo 2026.docx' \
      --png 'C:\smoke\thẻ zalo.png'); rc=$?
pdf="$C/smoke/báo cáo 2026.pdf"; docx="$C/smoke/báo cáo 2026.docx"; png="$C/smoke/thẻ zalo.png"
# (Text is read into a variable before grep: `pdftotext | grep -q` fails under pipefail when grep stops early.)
text=$(pdftotext "$pdf" - 2>/dev/null)
if [ $rc -eq 0 ] && [ "$(head -c 5 "$pdf" 2>/dev/null)" = "%PDF-" ] && [[ "$text" == *"BÁO CÁO"* ]]; then
  pass "report tally PDF 'báo cáo 2026.pdf': $(stat -c %s "$pdf") bytes, $(pdfinfo "$pdf" | awk '/^Pages:/{print $2}') pages, 'BÁO CÁO' in its text"
else
  fail "report tally PDF: rc=$rc $out"
fi
text=$(unzip -p "$docx" word/document.xml 2>/dev/null)
if [[ "$text" == *"BÁO CÁO"* ]]; then
  pass "report tally --docx: $(stat -c %s "$docx") bytes, word/document.xml has 'BÁO CÁO'"
else
  fail "report tally --docx: no Word file with 'BÁO CÁO' ($out)"
fi
if [ "$(file -b "$png" 2>/dev/null | cut -d, -f1)" = "PNG image data" ]; then
  pass "report tally --png: $(file -b "$png" | cut -d, -f2 | tr -d ' ') Zalo card"
else
  fail "report tally --png: $(file -b "$png" 2>&1)"
fi

out=$(dx guides --out 'C:\smoke\hướng dẫn.pdf'); rc=$?
guides="$C/smoke/hướng dẫn.pdf"
text=$(pdftotext "$guides" - 2>/dev/null)
if [ $rc -eq 0 ] && [[ "$text" == *"Cài đặt và đăng ký tài khoản VNeID"* ]]; then
  pdftoppm -png -r 120 "$guides" "$C/smoke/page"
  codes=$(zbarimg -q --raw "$C"/smoke/page*.png 2>/dev/null)
  if [[ "$codes" == *"https://play.google.com/store/apps/details?id=com.vnid"* ]]; then
    pass "guides: $(pdfinfo "$guides" | awk '/^Pages:/{print $2}') pages, Vietnamese text intact, $(echo "$codes" | wc -l) QR codes decoded by zbarimg (VNeID store link among them)"
  else
    fail "guides: no VNeID QR code decoded"
  fi
else
  fail "guides: rc=$rc $out"
fi

out=$(dx export --period 2026 --out 'C:\smoke\gói 2026.zip'); rc=$?
pkg="$C/smoke/gói 2026.zip"
if [ $rc -eq 0 ] && unzip -l "$pkg" >/dev/null 2>&1; then
  head_csv=$(unzip -p "$pkg" records.csv 2>/dev/null | head -1 | tr -d '\r\357\273\277' | cut -c1-40)
  unzip -p "$pkg" tally.xlsx >"$C/smoke/tally.xlsx" 2>/dev/null
  xlsx_ok=$(unzip -l "$C/smoke/tally.xlsx" 2>/dev/null | grep -c 'xl/workbook.xml')
  if [ -n "$head_csv" ] && [ "$xlsx_ok" = 1 ]; then
    pass "export: $(stat -c %s "$pkg") bytes zip, records.csv ($head_csv…), tally.xlsx (a workbook)"
  else
    fail "export: records.csv or tally.xlsx missing: $(unzip -l "$pkg" | tail -n +4 | head -5)"
  fi
else
  fail "export: rc=$rc $out"
fi
# the province enrols the commune's signing key (fingerprint as read over the phone), then imports its package
dx --home 'C:\smoke\tỉnh Đồng Tháp' init --province-code 82 --province "Đồng Tháp" >/dev/null
fp=$(dx keys export-enrolment --out 'C:\smoke\đăng ký.json' | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{4}){3}' | head -1)
out=$(dx --home 'C:\smoke\tỉnh Đồng Tháp' keys enrol 'C:\smoke\đăng ký.json' --fingerprint "$fp"); rc=$?
[ $rc -eq 0 ] && [ -n "$fp" ] && pass "keys enrol (Windows Credential Manager key): $fp" || fail "keys enrol: rc=$rc fp=$fp $out"
out=$(dx --home 'C:\smoke\tỉnh Đồng Tháp' import 'C:\smoke\gói 2026.zip'); rc=$?
[ $rc -eq 0 ] && [ -f "$C/smoke/tỉnh Đồng Tháp/dxdesk.sqlite3" ] && pass "import into a second data folder 'tỉnh Đồng Tháp': $(echo "$out" | tail -1)" \
  || fail "import: rc=$rc $out"
out=$(dx audit export --out 'C:\smoke\nhật ký.csv'); rc=$?
csv="$C/smoke/nhật ký.csv"
if [ $rc -eq 0 ] && head -1 "$csv" | grep -q "id,at,actor"; then
  pass "audit export CSV: $(wc -l <"$csv") lines, $(grep -c $'\r$' "$csv") end in CRLF: $out"
else
  fail "audit export: rc=$rc $out"
fi

out=$(dx backup --out 'C:\smoke\sao lưu.sqlite3'); rc=$?
[ $rc -eq 0 ] && [ -s "$C/smoke/sao lưu.sqlite3" ] && pass "backup: $out" || fail "backup: rc=$rc $out"
dx log ewallet --date 2026-03-03 >/dev/null   # after the backup: the restore must take it away again
out=$(dx restore 'C:\smoke\sao lưu.sqlite3'); rc=$?
n_restored=$(total "$(dx stats --period 2026 --json)")
[ $rc -eq 0 ] && [ "$n_restored" = "$n_after" ] && pass "restore: back to $n_restored services (the record logged after the backup is gone)" \
  || fail "restore: rc=$rc, $n_restored services (want $n_after): $out"

out=$(dx --home 'C:\smoke\xã Mỹ Tho' init --province-code 82 --unit-code 28261 --unit "Mỹ Tho"); rc=$?
[ $rc -eq 0 ] && [ -f "$C/smoke/xã Mỹ Tho/dxdesk.sqlite3" ] && pass "init in 'xã Mỹ Tho': $out" || fail "init: rc=$rc $out"
out=$(dx --home 'C:\smoke\xã Mỹ Tho' init --province-code 999); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && pass "bad input: exit 2, one line: $out" || fail "bad input: rc=$rc $out"

# 3. The windowed program on the demo database, offscreen (Qt's native Windows platform aborts under Wine 8).
QT_QPA_PLATFORM=offscreen timeout 40 wine "$APPDIR/dxdesk-gui.exe" 2>&1 | cat >"$C/smoke/gui.out"; rc=${PIPESTATUS[0]}
if [ $rc -eq 124 ] && grep -q "GUI started" "$DATA/logs/dxdesk.log"; then
  pass "dxdesk-gui.exe started offscreen: main window built ('GUI started' in the log), still running when stopped"
else
  fail "dxdesk-gui.exe: rc=$rc $(tail -3 "$C/smoke/gui.out") $(grep -E 'ERROR|Traceback' "$DATA/logs/dxdesk.log" | tail -3)"
fi
wineserver -k 2>/dev/null; wineserver -w 2>/dev/null
if grep -q Traceback "$DATA/logs/dxdesk.log"; then
  fail "traceback in %LOCALAPPDATA%\\dxdesk\\logs\\dxdesk.log: $(grep -A3 Traceback "$DATA/logs/dxdesk.log" | tail -4)"
fi

# 4. Silent uninstall: program folder gone, data kept.
in_xvfb "wine '$(winpath "$APPDIR/unins000.exe")' /VERYSILENT /SUPPRESSMSGBOXES /NORESTART"
sleep 2
if [ ! -e "$APPDIR" ]; then
  pass "silent uninstall: program folder $LOCAL_WIN\\Programs\\dxdesk removed"
else
  fail "uninstall: $APPDIR is still there: $(ls -A "$APPDIR" | head -5 | tr '\n' ' ')"
fi
[ -f "$DATA/dxdesk.sqlite3" ] && [ -f "$DATA/logs/dxdesk.log" ] \
  && pass "data kept after uninstall: %LOCALAPPDATA%\\dxdesk\\dxdesk.sqlite3 ($(stat -c %s "$DATA/dxdesk.sqlite3") bytes)" \
  || fail "data folder %LOCALAPPDATA%\\dxdesk lost on uninstall"

# 5. Unit tests with the Windows Python of the build (the dxdesk wheel is installed in it): the parts where
# Windows differs from Linux. Each file needs no Linux tool (no pdftotext, zbarimg, PostgreSQL, POSIX signals).
# Left out of these files: the Linux mount-table check, the one test that reads a PDF with pdftotext, and
# two slow ones (70 s and 18 s under Wine: daily backup rotation, a province re-import).
WIN_TESTS="tests/windows tests/unit/test_fieldcrypt.py tests/unit/test_periods_format_text.py
  tests/unit/test_translations.py tests/integration/test_storage.py tests/integration/test_backup.py
  tests/integration/test_export_extras.py tests/integration/test_exchange_roundtrip.py
  --deselect tests/integration/test_storage.py::test_network_share_refused
  --deselect tests/integration/test_export_extras.py::test_export_with_report_puts_the_hashed_tally_report_in_the_package
  --deselect tests/integration/test_backup.py::test_daily_backup_and_rotation
  --deselect tests/integration/test_export_extras.py::test_province_resends_one_communes_package"
export WINEPREFIX="$WINBUILD/prefix"
# shellcheck disable=SC2086
# PYTHONSAFEPATH: the source tree (the working folder) is not put on sys.path, in pytest nor in the processes
# the tests start: they use the dxdesk wheel installed in the Windows Python.
out=$(PYTHONSAFEPATH=1 QT_QPA_PLATFORM=offscreen wrun "$WINPY" -m pytest -p no:randomly -q -p no:cacheprovider $WIN_TESTS 2>&1 | tr -d '\r')
summary=$(echo "$out" | grep -E "(passed|failed|error)" | tail -1)
if echo "$summary" | grep -q passed && ! echo "$summary" | grep -q -E "failed|error"; then
  pass "Windows Python tests (tests/windows + 7 files of unit/integration tests): $summary"
else
  fail "Windows Python unit tests: $summary"
  echo "$out" | grep -E "^(FAILED|ERROR)|Error" | head -20 | sed 's/^/        /'
fi
wineserver -k 2>/dev/null || true

echo "smoke-windows: $failures failure(s) in $((SECONDS - start)) s"
[ $failures -eq 0 ]
