"""Fill empty msgstr entries of a .po file from a JSON {msgid: translation} file: po_fill.py FILE.po TR.json"""

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(po: str, translations: str) -> int:
    with open(translations, encoding="utf-8") as fh:
        table = json.load(fh)
    with open(po, "rb") as fh:
        catalogue = read_po(fh, locale="vi")
    missing = []
    for message in catalogue:
        if message.id and not message.string:
            if message.id in table:
                message.string = table[message.id]
            else:
                missing.append(message.id)
    with open(po, "wb") as fh:
        write_po(fh, catalogue, width=0, omit_header=False, sort_output=False)
    print("still missing:", missing)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
