"""Page widgets, one module per place of the main window."""
