"""The tally report: its data (tally_report), who issues and signs it, its register of numbers."""
