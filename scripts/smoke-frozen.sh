#!/usr/bin/env bash
# Smoke-test the built one-folder program (scripts/build-linux.sh) the way an office PC would run it: the
# folder is copied to a temporary directory OUTSIDE the repository, run with a fresh --home, with no access
# to the source tree or .venv (PYTHONPATH/PYTHONHOME cleared, working directory elsewhere).
# Checks: --version; init + log + stats (migrations run from the bundle); bad input (exit 2, one line);
# guides --out x.pdf (a real PDF: embedded fonts, Vietnamese text via pdftotext, QR codes decoded by zbarimg);
# every output format (tally report as PDF, DOCX and PNG; export zip with CSV and XLSX; audit CSV), in files with
# Vietnamese names; the GUI starting offscreen. Exits non-zero on any failure. SMOKE_KEEP_PNG=file keeps page 2 of the guides.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${1:-$ROOT/dist/dxdesk}"
[ -x "$DIST/dxdesk" ] || { echo "smoke-frozen: no build at $DIST (run scripts/build-linux.sh)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/dxdesk-smoke.XXXXXX)"
case "$WORK" in "$ROOT"*) echo "smoke-frozen: temp dir inside the repo" >&2; exit 1;; esac
trap 'rm -rf "$WORK"' EXIT
cp -a "$DIST" "$WORK/app"
HOME_DIR="$WORK/home"
APP="$WORK/app/dxdesk"
cd "$WORK"
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV
# the bundled keyring back-ends talk to the Secret Service that CI starts (scripts/with-keyring): export signs
export PATH=/usr/bin:/bin HOME="$WORK"
failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }
start=$(date +%s)
echo "smoke-frozen: $WORK/app (copied from $DIST)"

out=$("$APP" --version 2>&1) && [[ "$out" == dxdesk\ * ]] && pass "--version: $out" || fail "--version: $out"
out=$("$WORK/app/dxdesk-gui" --version 2>&1) && [[ "$out" == dxdesk\ * ]] && pass "dxdesk-gui --version: $out" \
  || fail "dxdesk-gui --version: $out"

out=$("$APP" --home "$HOME_DIR" init --province-code 82 --unit-code 28261 --unit "Mỹ Tho" 2>&1) \
  && pass "init: $out" || fail "init: $out"
out=$("$APP" --home "$HOME_DIR" log vneid --date 2026-03-02 2>&1) && pass "log vneid: record $out" || fail "log: $out"
out=$("$APP" --home "$HOME_DIR" stats --period 2026-03 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -Eq '^VNEID +1 '; then
  pass "stats: $(echo "$out" | head -1) / $(echo "$out" | grep '^VNEID' | tr -s ' ' | cut -d' ' -f1-2)"
else
  fail "stats (VNEID should count 1): $out"
fi

out=$("$APP" --home "$HOME_DIR" init --province-code 999 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && pass "bad input: exit 2, one line: $out" || fail "bad input: rc=$rc $out"

if "$APP" guides --help >/dev/null 2>&1; then
  out=$("$APP" --home "$HOME_DIR" guides --out "$WORK/x.pdf" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [ "$(head -c 5 "$WORK/x.pdf" 2>/dev/null)" = "%PDF-" ]; then
    pages=$(pdfinfo "$WORK/x.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    fonts=$(pdffonts "$WORK/x.pdf" 2>/dev/null | awk 'NR>2 {print $1}' | sort -u | tr '\n' ' ')
    pass "guides --out x.pdf: $(stat -c %s "$WORK/x.pdf") bytes, ${pages:-?} pages, fonts: ${fonts:-?}"
    if command -v pdftotext >/dev/null; then
      text=$(pdftotext "$WORK/x.pdf" - 2>/dev/null)
      if [[ "$text" == *"Cài đặt và đăng ký tài khoản VNeID"* ]]; then
        pass "guides PDF text (pdftotext) has the Vietnamese VNeID guide, diacritics intact"
      else
        fail "guides PDF text has no 'Cài đặt và đăng ký tài khoản VNeID'"
      fi
    fi
    if command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null; then
      pdftoppm -png -r 120 "$WORK/x.pdf" "$WORK/page"
      [ -n "${SMOKE_KEEP_PNG:-}" ] && cp "$(ls "$WORK"/page*.png | sed -n 2p)" "$SMOKE_KEEP_PNG"
      codes=$(zbarimg -q --raw "$WORK"/page*.png 2>/dev/null)
      if [[ "$codes" == *"https://play.google.com/store/apps/details?id=com.vnid"* ]]; then
        pass "guides PDF QR codes decode (zbarimg): $(echo "$codes" | wc -l) codes, VNeID store link among them"
      else
        fail "guides PDF: no VNeID QR decoded (got: $codes)"
      fi
    fi
  else
    fail "guides --out x.pdf: rc=$rc $out"
  fi
else
  fail "guides: this build has no 'guides' command"
fi

GUI_HOME="$WORK/gui-home"
out=$("$APP" --home "$GUI_HOME" demo --records 300 2>&1) && pass "demo: $out" || fail "demo: $out"

# Other areas' outputs on the demo data (each pulls in its own libraries and data files).
for cmd in "report tally --period 2026 --out $WORK/tally.pdf" "report roster --period 2026-03 --out $WORK/roster.pdf" \
           "shifts ics --from 2026-03-01 --to 2026-03-31 --out $WORK/shifts.ics" "export --period 2026 --out $WORK/pkg.zip"; do
  out=$("$APP" --home "$GUI_HOME" $cmd 2>&1); rc=$?
  file=${cmd##* }
  if [ $rc -eq 0 ] && [ -s "$file" ]; then pass "${cmd%% --*}: $(basename "$file") $(stat -c %s "$file") bytes"
  else fail "${cmd%% --*}: rc=$rc $out"; fi
done
# Every output format: the tally report as PDF, Word (DOCX) and Zalo card (PNG); the export zip's CSV and XLSX;
# the audit log as CSV.
out=$("$APP" --home "$GUI_HOME" report tally --period 2026 --draft --out "$WORK/báo cáo.pdf" --docx "$WORK/báo cáo.docx" \
      --png "$WORK/thẻ zalo.png" 2>&1); rc=$?
text=$(pdftotext "$WORK/báo cáo.pdf" - 2>/dev/null)   # (not piped into grep -q: pipefail + early exit)
if [ $rc -eq 0 ] && [[ "$text" == *"BÁO CÁO"* ]]; then
  pass "report tally PDF: $(stat -c %s "$WORK/báo cáo.pdf") bytes, 'BÁO CÁO' in its text"
else fail "report tally PDF: rc=$rc $out"; fi
text=$(unzip -p "$WORK/báo cáo.docx" word/document.xml 2>/dev/null)
if [[ "$text" == *"BÁO CÁO"* ]]; then
  pass "report tally --docx: $(stat -c %s "$WORK/báo cáo.docx") bytes, word/document.xml has 'BÁO CÁO'"
else fail "report tally --docx: no Word file with 'BÁO CÁO': rc=$rc $out"; fi
if [ "$(file -b "$WORK/thẻ zalo.png" 2>/dev/null | cut -d, -f1)" = "PNG image data" ]; then
  pass "report tally --png: $(file -b "$WORK/thẻ zalo.png" | cut -d, -f2 | tr -d ' ') Zalo card"
else fail "report tally --png: rc=$rc $out"; fi
if [ -f "$WORK/pkg.zip" ]; then
  head_csv=$(unzip -p "$WORK/pkg.zip" records.csv 2>/dev/null | head -1 | tr -d '\r\357\273\277' | cut -c1-40)
  unzip -p "$WORK/pkg.zip" tally.xlsx >"$WORK/tally.xlsx" 2>/dev/null
  listing=$(unzip -l "$WORK/tally.xlsx" 2>/dev/null)
  if [ -n "$head_csv" ] && [[ "$listing" == *"xl/workbook.xml"* ]]; then
    pass "export zip: records.csv ($head_csv…) and tally.xlsx (a workbook)"
  else fail "export zip: records.csv or tally.xlsx missing"; fi
fi
out=$("$APP" --home "$GUI_HOME" audit export --out "$WORK/nhật ký.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && head -1 "$WORK/nhật ký.csv" | grep -q "id,at,actor" && pass "audit export CSV: $(wc -l <"$WORK/nhật ký.csv") lines" \
  || fail "audit export: rc=$rc $out"
if [ -f "$WORK/pkg.zip" ]; then  # the province enrols the commune's signing key, then imports its signed package
  "$APP" --home "$WORK/province-home" init --province-code 82 --province "Đồng Tháp" >/dev/null 2>&1
  fp=$("$APP" --home "$GUI_HOME" keys export-enrolment --out "$WORK/enrol.json" 2>&1 | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{4}){3}' | head -1)
  out=$("$APP" --home "$WORK/province-home" keys enrol "$WORK/enrol.json" --fingerprint "$fp" 2>&1) \
    && pass "keys enrol: $fp" || fail "keys enrol: $out"
  out=$("$APP" --home "$WORK/province-home" import "$WORK/pkg.zip" 2>&1) && pass "import: $(echo "$out" | tail -1)" \
    || fail "import: $out"
fi

# The GUI on the demo database (it opens signed in as the demo coordinator: no sign-in or first-admin dialog).
QT_QPA_PLATFORM=offscreen timeout 8 "$APP" --home "$GUI_HOME" gui >"$WORK/gui.out" 2>&1; rc=$?
if [ $rc -eq 124 ] && grep -q "GUI started" "$GUI_HOME/logs/dxdesk.log"; then
  pass "GUI started offscreen (still running after 8 s, 'GUI started' in the log)"
else
  fail "GUI offscreen: rc=$rc $(tail -5 "$WORK/gui.out") $(grep -E 'ERROR|Traceback' "$GUI_HOME/logs/dxdesk.log" | tail -3)"
fi
for log in "$HOME_DIR/logs/dxdesk.log" "$GUI_HOME/logs/dxdesk.log"; do
  if grep -q "Traceback" "$log"; then
    fail "traceback in $log: $(grep -A3 Traceback "$log" | tail -4)"
  fi
done

echo "smoke-frozen: $failures failure(s) in $(( $(date +%s) - start )) s"
[ $failures -eq 0 ]
