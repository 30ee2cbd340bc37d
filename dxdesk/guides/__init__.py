"""QR guide sheets for citizens: the shipped guides, a coordinator's edits, the allowed links."""
