"""The widgets the Hướng dẫn QR page is made of: the list of guides, the editor (with its links), the sheet
preview with print and PDF."""
