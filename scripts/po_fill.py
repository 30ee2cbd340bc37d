"""Fill empty msgstr entries of a .po file from a JSON {msgid: translation} file: po_fill.py FILE.po TR.json"""
import sys, json
from babel.messages.pofile import read_po, write_po
po, tr = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
with open(po, "rb") as fh: cat = read_po(fh, locale="vi")
miss = []
for m in cat:
    if m.id and not m.string:
        if m.id in tr: m.string = tr[m.id]
        else: miss.append(m.id)
with open(po, "wb") as fh: write_po(fh, cat, width=0, omit_header=False, sort_output=False)
print("still missing:", miss)
